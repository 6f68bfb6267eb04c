import pl from 'nodejs-polars'
import { toFrame, col, lit } from '../../src/frame/index.js'

export async function run() {
  const schema = { name: pl.String, x: pl.Float64, y: pl.Float64 }
  const example = pl.DataFrame({ name: [], x: [], y: [] }, { schema })
  const chunks = [
    pl.DataFrame({ name: ['Alice', 'Bob', 'Alice'], x: [1, 2, 3], y: [10, 20, 30] }, { schema }),
    pl.DataFrame({ name: ['Bob', 'Alice'], x: [4, 5], y: [40, 50] }, { schema }),
  ]

  // four elementwise steps: kept as one Polars lazy plan, run once per chunk
  const alice = toFrame(chunks, { example })
    .filter(col('name').eq(lit('Alice')))
    .withColumns(col('x').plus(col('y')).alias('z'))
    .assign({ big: col('z').gt(lit(30)) })
    .select('z', 'big')

  const rows: unknown[] = []
  for await (const df of alice) rows.push(...df.toRecords())
  return rows
}

export const expected = [
  { z: 11, big: false },
  { z: 33, big: true },
  { z: 55, big: true },
]
