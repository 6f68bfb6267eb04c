import { pipe, periodic, slice, map, toArray, FakeClock } from '../../src/index.js'

export async function run() {
  const clock = new FakeClock()
  let reading = 0
  const out = pipe(
    periodic(() => ++reading, '1s', { clock }),
    map((n: number) => `reading ${n} at ${clock.now()} ms`),
    slice(0, 3), // periodic never ends by itself
    toArray(),
  )
  await clock.advance(5000)
  return out
}

export const expected = ['reading 1 at 0 ms', 'reading 2 at 1000 ms', 'reading 3 at 2000 ms']
