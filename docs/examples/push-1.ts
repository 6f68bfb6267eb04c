import { pipe, pushable, map, sink } from '../../src/index.js'

export async function run() {
  const source = pushable<string>()
  const got: string[] = []
  const done = pipe(
    source,
    map((s: string) => s.toUpperCase()),
    sink((s) => {
      got.push(s)
    }),
  )

  await source.emit('a') // waits until the pipeline has taken 'a'
  source.push('b') // does not wait: queued if the pipeline is busy
  source.push('c')
  source.end() // finish once 'b' and 'c' are through
  await done

  const accepted = source.push('d') // false: this pipeline has stopped
  return { got, accepted }
}

export const expected = { got: ['A', 'B', 'C'], accepted: false }
