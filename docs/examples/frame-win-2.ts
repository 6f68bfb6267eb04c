import pl from 'nodejs-polars'
import { toFrame } from '../../src/frame/index.js'

export async function run() {
  const example = pl.DataFrame([pl.Series('time', [], pl.Datetime('ms')), pl.Series('latency', [], pl.Float64)])
  const at = (ms: number[]) => pl.Series('time', ms, pl.Int64).cast(pl.Datetime('ms'))
  const chunks = [
    pl.DataFrame([at([0, 400, 900]), pl.Series('latency', [12, 30, 18])]),
    pl.DataFrame([at([1000, 1350, 2600]), pl.Series('latency', [25, 40, 10])]),
  ]
  const sdf = toFrame(chunks, { example })

  // per row, over the rows of the last second (time - 1 s, time]: the time column comes along
  const rows: unknown[] = []
  for await (const df of sdf.rolling('1s', { on: 'time' }).col('latency').quantile(0.5).stream)
    rows.push(...df.toRecords().map((r) => [Number(r.time), r.latency]))
  return rows
}

export const expected = [
  [0, 12],
  [400, 21],
  [900, 18],
  [1000, 25], // 0 ms is out: the span is (0, 1000]
  [1350, 27.5],
  [2600, 10],
]
