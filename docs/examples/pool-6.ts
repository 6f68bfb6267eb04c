import { pipe } from '../../src/index.js'
import { poolMap } from '../../src/pool/index.js'

export async function run() {
  const lines = ['{"name":"Alice","amount":100}', '{"name":"Bob","amount":"lots"}', '{"name":"Carol","amount":35}']
  const task = new URL('./tasks/parse.ts', import.meta.url)

  const names: string[] = []
  let error: Error | undefined
  try {
    for await (const order of pipe(lines, poolMap<string, { name: string }>(task, { workers: 2 }))) {
      names.push(order.name)
    }
  } catch (e) {
    error = e as Error
  }
  return {
    names, // the results before the failure
    message: error?.message,
    thrownInTheTask: error?.stack?.includes('tasks/parse.ts'), // the stack shows the worker's frames
  }
}

export const expected = {
  names: ['Alice'],
  message: 'amount must be a number in {"name":"Bob","amount":"lots"}',
  thrownInTheTask: true,
}
