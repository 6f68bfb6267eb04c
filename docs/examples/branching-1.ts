import { pipe, fromIterable, tee, map, toArray } from '../../src/index.js'

export async function run() {
  // two branches, each sees every element; run them side by side
  const [a, b] = tee(fromIterable([1, 10]), 2)
  const [up, down] = await Promise.all([
    pipe(
      a,
      map((x: number) => x + 1),
      toArray(),
    ),
    pipe(
      b,
      map((x: number) => x - 1),
      toArray(),
    ),
  ])
  return { up, down }
}

export const expected = { up: [2, 11], down: [0, 9] }
