import { pipe, pushable, sink, FakeClock } from '../../src/index.js'

export async function run() {
  const clock = new FakeClock()
  const log: string[] = []
  const rows = pushable<number>()

  // a slow writer: each row takes 100 ms
  const done = pipe(
    rows,
    sink(async (row) => {
      await clock.sleep(100)
      log.push(`wrote ${row} at ${clock.now()}`)
    }),
  )

  // the producer awaits emit, so it never runs ahead of the writer
  const producer = (async () => {
    for (const row of [1, 2, 3]) {
      await rows.emit(row)
      log.push(`emitted ${row} at ${clock.now()}`)
    }
    rows.end()
  })()

  await clock.advance(1000)
  await producer
  await done
  return log
}

export const expected = [
  'emitted 1 at 0',
  'wrote 1 at 100',
  'emitted 2 at 100',
  'wrote 2 at 200',
  'emitted 3 at 200',
  'wrote 3 at 300',
]
