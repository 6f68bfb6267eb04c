import { pipe, accumulate, toArray } from '../../src/index.js'

export async function run() {
  // no start: the first element is the first state, and is emitted as it is
  return pipe(
    [1, 2, 3, 4],
    accumulate((total: number, x: number) => total + x),
    toArray(),
  )
}

export const expected = [1, 3, 6, 10]
