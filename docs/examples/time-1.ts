import { pipe, pushable, timedWindow, sink, FakeClock } from '../../src/index.js'

export async function run() {
  const clock = new FakeClock()
  const clicks = pushable<string>()
  const windows: string[][] = []
  const done = pipe(
    clicks,
    timedWindow('1s', { clock }),
    sink((w) => {
      windows.push(w)
    }),
  )

  await clicks.emit('a')
  await clicks.emit('b')
  await clock.advance(1000) // emits ['a', 'b']
  await clock.advance(1000) // nothing arrived: nothing emitted
  await clicks.emit('c')
  await clock.advance(1000) // emits ['c']
  clicks.end()
  await done
  return windows
}

export const expected = [['a', 'b'], ['c']]
