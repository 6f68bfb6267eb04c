import { pipe, slidingWindow, toArray } from '../../src/index.js'

export async function run() {
  return pipe([1, 2, 3, 4, 5], slidingWindow(3, { returnPartial: false }), toArray())
}

export const expected = [
  [1, 2, 3],
  [2, 3, 4],
  [3, 4, 5],
]
