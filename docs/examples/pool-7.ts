import { pipe, toArray } from '../../src/index.js'
import { poolMap } from '../../src/pool/index.js'

export async function run() {
  const task = new URL('./tasks/crash-once.ts', import.meta.url)
  const items = () => {
    const once = new Int32Array(new SharedArrayBuffer(4)) // shared by every worker
    return [1, 2, 3].map((x) => ({ x, once }))
  }

  // without retry: the task whose worker died fails, and says so
  let failure = ''
  try {
    await pipe(items(), poolMap<{ x: number }, number>(task, { workers: 2 }), toArray())
  } catch (e) {
    failure = (e as Error).message
  }

  // with retry: 1, piscina's replacement worker runs the task once more
  const retried = await pipe(items(), poolMap<{ x: number }, number>(task, { workers: 2, retry: 1 }), toArray())

  return { diedClearly: failure.includes('worker thread died'), retried }
}

export const expected = { diedClearly: true, retried: [10, 20, 30] }
