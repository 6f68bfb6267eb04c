import pl from 'nodejs-polars'
import { FakeClock } from '../../src/index.js'
import { periodicFrame, randomFrame } from '../../src/frame/index.js'

export async function run() {
  // a fake clock so that the example runs at once; leave it out for real time
  const clock = new FakeClock(Date.UTC(2026, 0, 1))
  const stop = new AbortController()

  // call a function every 300 ms with the span since the last call; it returns that span's rows
  const polled = periodicFrame(
    ({ last, now }) => pl.DataFrame({ from: [last.toISOString()], to: [now.toISOString()] }),
    '300ms',
    { clock, signal: stop.signal },
  )
  const spans: unknown[] = []
  const reading = (async () => {
    for await (const df of polled) spans.push(...df.toRecords())
  })().catch(() => undefined) // the abort ends the loop with its reason
  await clock.advance(600)
  stop.abort()
  await reading

  // random rows (time, x, y, z), one per 100 ms, delivered every 500 ms
  const random = randomFrame({ freq: '100ms', interval: '500ms', seed: 1, clock })
  const next = random.stream[Symbol.asyncIterator]().next()
  await clock.advance(500)
  const chunk = (await next).value as pl.DataFrame

  return { spans, randomColumns: chunk.columns, randomRows: chunk.height }
}

export const expected = {
  spans: [
    { from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.300Z' },
    { from: '2026-01-01T00:00:00.300Z', to: '2026-01-01T00:00:00.600Z' },
  ],
  randomColumns: ['time', 'x', 'y', 'z'],
  randomRows: 5,
}
