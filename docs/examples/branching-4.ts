import { pipe, pushable, combineLatest, sink } from '../../src/index.js'

export async function run() {
  const prices = pushable<number>()
  const rates = pushable<number>()
  const seen: [number, number][] = []
  const done = pipe(
    combineLatest([prices, rates]),
    sink((pair) => {
      seen.push(pair)
    }),
  )

  await prices.emit(100) // nothing yet: rates has no value
  await rates.emit(2) // [100, 2]
  await prices.emit(110) // [110, 2]
  await rates.emit(3) // [110, 3]
  prices.end()
  rates.end()
  await done
  return seen
}

export const expected = [
  [100, 2],
  [110, 2],
  [110, 3],
]
