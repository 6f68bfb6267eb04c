import { pipe, partition, flatten, toArray } from '../../src/index.js'

export async function run() {
  // partition groups n elements into an array; the partial last group is emitted at the end.
  // flatten undoes it: every element of every array (or iterable) comes out on its own.
  const groups = await pipe([1, 2, 3, 4, 5, 6, 7], partition(3), toArray())
  const again = await pipe(groups, flatten(), toArray())
  return { groups, again }
}

export const expected = {
  groups: [[1, 2, 3], [4, 5, 6], [7]],
  again: [1, 2, 3, 4, 5, 6, 7],
}
