import { pipe, accumulate, map, toArray } from '../../src/index.js'

export async function run() {
  // a running mean: the state is (sum, count); each new batch of numbers updates it
  const batches = [[10, 20], [30], [40, 50, 60]]
  return pipe(
    batches,
    accumulate(
      (state: { sum: number; count: number }, batch: number[]) => ({
        sum: state.sum + batch.reduce((a, b) => a + b, 0),
        count: state.count + batch.length,
      }),
      { start: { sum: 0, count: 0 } },
    ),
    map(({ sum, count }) => sum / count),
    toArray(),
  )
}

export const expected = [15, 20, 35]
