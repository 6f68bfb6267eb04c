import { pipe, rateLimit, map, toArray, FakeClock } from '../../src/index.js'

export async function run() {
  const clock = new FakeClock()
  const out = pipe(
    ['a', 'b', 'c'],
    rateLimit('500ms', { clock }),
    map((x: string) => `${x} at ${clock.now()} ms`),
    toArray(),
  )
  await clock.advance(2000)
  return out
}

export const expected = ['a at 0 ms', 'b at 500 ms', 'c at 1000 ms']
