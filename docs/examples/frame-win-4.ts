import pl from 'nodejs-polars'
import { toFrame } from '../../src/frame/index.js'

export async function run() {
  const example = pl.DataFrame({ page: [], ms: [] }, { schema: { page: pl.String, ms: pl.Float64 } })
  const chunks = [
    pl.DataFrame({ page: ['/', '/about', '/'], ms: [120, 80, 95] }),
    pl.DataFrame({ page: ['/cart', '/'], ms: [300, 110] }),
  ]
  const sdf = toFrame(chunks, { example })
  const last4 = sdf.window({ n: 4 })

  // how often each page was seen among the last 4 requests
  const counts: unknown[] = []
  for await (const df of last4.col('page').valueCounts().stream) counts.push(df.toRecords())

  // anything else: a function of the whole window (here the slowest request in it)
  const slowest: unknown[] = []
  for await (const df of last4.apply((w) => w.sort('ms', true).head(1)).stream) slowest.push(df.toRecords())

  return { counts, slowest }
}

export const expected = {
  counts: [
    [
      { page: '/', count: 2 },
      { page: '/about', count: 1 },
    ],
    [
      { page: '/', count: 2 },
      { page: '/about', count: 1 },
      { page: '/cart', count: 1 },
    ],
  ],
  slowest: [[{ page: '/', ms: 120 }], [{ page: '/cart', ms: 300 }]],
}
