import { pipe, fromIterable, tee, zip, map, toArray } from '../../src/index.js'

export async function run() {
  // branch, transform each branch, and join them again element by element
  const [a, b] = tee(fromIterable([10, 20]), 2)
  return pipe(
    zip(
      pipe(
        a,
        map((x: number) => x + 1),
      ),
      pipe(
        b,
        map((x: number) => x - 1),
      ),
    ),
    map(([x, y]) => x + y),
    toArray(),
  )
}

export const expected = [20, 40]
