import { pipe } from '../../src/index.js'
import { poolMap } from '../../src/pool/index.js'

export async function run() {
  const task = new URL('./tasks/inc.ts', import.meta.url)
  const items = Array.from({ length: 1000 }, (_, i) => i)

  // break: the queued tasks are cancelled and the stage's threads end
  const first: number[] = []
  for await (const y of pipe(items, poolMap<number, number>(task, { workers: 2 }))) {
    first.push(y)
    if (first.length === 3) break
  }

  // an AbortSignal: the pending next() rejects with the signal's reason
  const controller = new AbortController()
  let reason: unknown
  let seen = 0
  try {
    for await (const _ of pipe(items, poolMap<number, number>(task, { workers: 2, signal: controller.signal }))) {
      if (++seen === 2) controller.abort(new Error('enough'))
    }
  } catch (e) {
    reason = (e as Error).message
  }
  return { first, seen, reason }
}

export const expected = { first: [1, 2, 3], seen: 2, reason: 'enough' }
