import { pipe, toArray } from '../../src/index.js'
import { poolMap } from '../../src/pool/index.js'

export async function run() {
  const task = new URL('./tasks/parse.ts', import.meta.url)
  const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ name: `n${i}`, amount: i % 10 }))

  // batch: 'auto' (the default): parsing a line is cheap, so after the first replies
  // each message carries many lines; the results still come one by one, in order
  const orders = await pipe(lines, poolMap<string, { amount: number }>(task, { workers: 2 }), toArray())

  // a fixed size, and a bad line in the middle of a message of 100
  lines[1234] = '{"name":"bad","amount":"lots"}'
  let emitted = 0
  let message = ''
  try {
    for await (const _ of pipe(lines, poolMap<string, unknown>(task, { workers: 2, batch: 100 }))) emitted++
  } catch (e) {
    message = (e as Error).message
  }

  return { count: orders.length, total: orders.reduce((sum, o) => sum + o.amount, 0), emitted, message }
}

export const expected = {
  count: 5000,
  total: 22500,
  emitted: 1234, // every line before the bad one, also the 34 in its own message
  message: 'amount must be a number in {"name":"bad","amount":"lots"}',
}
