import { pipe, frequencies, starmap, toArray } from '../../src/index.js'

export async function run() {
  // frequencies emits a running Map of counts; take the last one
  const counts = await pipe(['x', 'y', 'x', 'z', 'x'], frequencies(), toArray())
  const last = counts.at(-1)

  // starmap spreads each array into the function's arguments
  const products = await pipe(
    [
      [2, 3],
      [4, 5],
    ] as [number, number][],
    starmap((a: number, b: number) => a * b),
    toArray(),
  )
  return { last: [...(last ?? [])], products }
}

export const expected = {
  last: [
    ['x', 3],
    ['y', 1],
    ['z', 1],
  ],
  products: [6, 20],
}
