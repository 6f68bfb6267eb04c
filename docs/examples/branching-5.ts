import { pipe, pushable, combineLatest, sink } from '../../src/index.js'

export async function run() {
  const prices = pushable<number>()
  const rates = pushable<number>()
  const seen: [number, number][] = []
  // emitOn: only a new price triggers an output; a new rate is just remembered
  const done = pipe(
    combineLatest([prices, rates], { emitOn: [0] }),
    sink((pair) => {
      seen.push(pair)
    }),
  )

  await rates.emit(2)
  await prices.emit(100) // [100, 2]
  await rates.emit(3) // remembered, nothing emitted
  await prices.emit(110) // [110, 3]
  prices.end()
  rates.end()
  await done
  return seen
}

export const expected = [
  [100, 2],
  [110, 3],
]
