import { pipe, pushable, map, sink } from '../../src/index.js'
import { instrument, progress } from '../../src/see/index.js'

export async function run() {
  // where progress writes: any object with write(); a terminal (isTTY) gets a table redrawn in place
  const log: string[] = []
  const out = { isTTY: false, write: (text: string) => log.push(text) }

  const source = pushable<number>()
  const stream = pipe(
    source,
    map((x: number) => x * 2),
  )
  const seen = instrument(stream)
  const shown = progress(seen, { stream: out, interval: '5s' })
  const done = pipe(
    stream,
    sink(() => {}),
  )
  for (let i = 0; i < 100; i++) await source.emit(i)
  source.end()
  await done
  shown.stop() // draws a last line
  return log.at(-1)?.replace(/[\d.]+[kMG]?\/s/g, 'N/s')
}

export const expected = 'progress: pushable 100 N/s · map(fn) 100 N/s\n'
