import { pipe, toArray } from '../../src/index.js'
import { poolMap } from '../../src/pool/index.js'

export async function run() {
  const chunks = [new Float64Array([1, 2, 3]), new Float64Array([4, 5])]
  const task = new URL('./tasks/double.ts', import.meta.url)

  const doubled = await pipe(
    chunks,
    poolMap<Float64Array, Float64Array>(task, { workers: 2, transfer: true }),
    toArray(),
  )

  return {
    doubled: doubled.map((xs) => [...xs]),
    // the chunks were moved, not copied: their memory now belongs to the results
    sentLengths: chunks.map((xs) => xs.length),
  }
}

export const expected = {
  doubled: [
    [2, 4, 6],
    [8, 10],
  ],
  sentLengths: [0, 0],
}
