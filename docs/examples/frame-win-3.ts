import pl from 'nodejs-polars'
import { toFrame } from '../../src/frame/index.js'

export async function run() {
  const example = pl.DataFrame([
    pl.Series('time', [], pl.Datetime('ms')),
    pl.Series('name', [], pl.String),
    pl.Series('amount', [], pl.Float64),
  ])
  const hours = (hs: number[]) =>
    pl
      .Series(
        'time',
        hs.map((h) => h * 3_600_000),
        pl.Int64,
      )
      .cast(pl.Datetime('ms'))
  const chunks = [
    pl.DataFrame([hours([0, 1]), pl.Series('name', ['Alice', 'Bob']), pl.Series('amount', [100, 20])]),
    pl.DataFrame([hours([2]), pl.Series('name', ['Alice']), pl.Series('amount', [50])]),
    pl.DataFrame([hours([3.5]), pl.Series('name', ['Alice']), pl.Series('amount', [5])]),
  ]
  const sdf = toFrame(chunks, { example })

  // the last 2 rows, summed after each chunk
  const lastTwo: unknown[] = []
  for await (const df of sdf.window({ n: 2 }).col('amount').sum().stream) lastTwo.push(df.toRecords())

  // per name over the last two hours: Bob leaves when his row is older than that
  const perName: unknown[] = []
  for await (const df of sdf.window({ value: '2h', on: 'time' }).groupBy('name').col('amount').sum().stream)
    perName.push(df.toRecords())

  return { lastTwo, perName }
}

export const expected = {
  lastTwo: [[{ amount: 120 }], [{ amount: 70 }], [{ amount: 55 }]],
  perName: [
    [
      { name: 'Alice', amount: 100 },
      { name: 'Bob', amount: 20 },
    ],
    [
      { name: 'Alice', amount: 50 },
      { name: 'Bob', amount: 20 },
    ],
    [{ name: 'Alice', amount: 55 }],
  ],
}
