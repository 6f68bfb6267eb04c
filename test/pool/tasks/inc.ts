// Task fixtures for test/pool: each export runs in a worker thread.

/** The default export: x + 1. */
export default function inc(x: number): number {
  return x + 1
}

/** Throws for 3, so the stack shows this file. */
export function failOn3(x: number): number {
  if (x === 3) throw new Error(`task failed on ${x}`)
  return x * 10
}

/** Async: resolves to x * 2. */
export async function double(x: number): Promise<number> {
  await Promise.resolve()
  return x * 2
}

/** Not a function: used to check the "no function export" error. */
export const notAFunction = 42

/** The worker thread's Node options, to check what `execArgv` gave it. */
export function workerExecArgv(): string[] {
  return process.execArgv
}
