import { pipe, pushable, rateLimit, map, buffer, sink, FakeClock } from '../../src/index.js'

export async function run() {
  const clock = new FakeClock()
  const lines = pushable<string>()
  const written: { id: number; at: number }[] = []

  // at most one line per 10 ms, parsed, with up to 100 rows waiting for a slow writer
  const done = pipe(
    lines,
    rateLimit('10ms', { clock }),
    map((line: string) => JSON.parse(line) as { id: number }),
    buffer(100),
    sink(async (row) => {
      await clock.sleep(30) // the database is slow
      written.push({ id: row.id, at: clock.now() })
    }),
  )

  const producer = (async () => {
    for (let id = 1; id <= 3; id++) await lines.emit(JSON.stringify({ id }))
    lines.end()
  })()
  await clock.advance(1000)
  await producer
  await done
  return written
}

export const expected = [
  { id: 1, at: 30 },
  { id: 2, at: 60 },
  { id: 3, at: 90 },
]
