import pl from 'nodejs-polars'
import { pipe, partition } from '../../src/index.js'
import { toBatch, type FrameSchemaError } from '../../src/frame/index.js'

interface Payment {
  name: string
  amount: number
}

export async function run() {
  const lines = [
    '{"name":"Alice","amount":10}',
    '{"name":"Bob","amount":5}',
    '{"name":"Alice","amount":"n/a"}',
    '{"name":"Carol","amount":7.5}',
    '{"name":"Bob","amount":1}',
  ]
  const example = pl.DataFrame({ name: [], amount: [] }, { schema: { name: pl.String, amount: pl.Float64 } })

  // parse JSON lines two at a time: one cheap JS loop per batch, then one frame per batch
  const payments = toBatch(pipe(lines, partition(2))).map((line) => JSON.parse(line) as Payment)
  const rejected: string[] = []
  const sdf = payments.toFrame({
    example,
    // a batch that does not fit the example is skipped and reported, never coerced
    onError: (err: FrameSchemaError) => rejected.push(err.message),
  })

  const totals: number[] = []
  for await (const df of sdf.select('amount').sum()) totals.push(df.getColumn('amount').get(0) as number)
  return { totals, rejected }
}

export const expected = {
  totals: [15, 16],
  rejected: [
    'toFrame: chunk 1 does not match the example: column "amount" is String, expected Float64 (record 0 has "n/a")',
  ],
}
