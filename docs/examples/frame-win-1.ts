import pl from 'nodejs-polars'
import { toFrame } from '../../src/frame/index.js'

export async function run() {
  const example = pl.DataFrame({ x: [] }, { schema: { x: pl.Float64 } })
  const chunks = [pl.DataFrame({ x: [1, 2] }), pl.DataFrame({ x: [3, 4, 5] }), pl.DataFrame({ x: [10] })]
  const sdf = toFrame(chunks, { example })

  // for every row: the mean of the last 3 rows, earlier chunks included; null until 3 rows have come
  const means: unknown[] = []
  for await (const df of sdf.rolling(3).col('x').mean().stream) means.push(df.getColumn('x').toArray())

  // the same with minPeriods: 1, and the rolling max
  const partial: unknown[] = []
  for await (const df of sdf.rolling(3, { minPeriods: 1 }).col('x').mean().stream)
    partial.push(df.getColumn('x').toArray())
  const maxima: unknown[] = []
  for await (const df of sdf.rolling(3).col('x').max().stream) maxima.push(df.getColumn('x').toArray())

  return { means, partial, maxima }
}

export const expected = {
  means: [[null, null], [2, 3, 4], [19 / 3]],
  partial: [[1, 1.5], [2, 3, 4], [19 / 3]],
  maxima: [[null, null], [3, 4, 5], [10]],
}
