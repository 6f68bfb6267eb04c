import { pipe, delay, map, toArray, FakeClock } from '../../src/index.js'

export async function run() {
  const clock = new FakeClock()
  const out = pipe(
    ['a', 'b'],
    delay(250, { clock }),
    map((x: string) => `${x} at ${clock.now()} ms`),
    toArray(),
  )
  await clock.advance(1000)
  return out
}

export const expected = ['a at 250 ms', 'b at 500 ms']
