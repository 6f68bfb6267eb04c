import { pipe, pushable, map, toArray } from '../../src/index.js'

export async function run() {
  const source = pushable<number>({ highWaterMark: 10 })
  const done = pipe(
    source,
    map((x: number) => x * 2),
    toArray(),
  )

  source.push(1)
  source.push(2)
  source.error(new Error('the feed broke')) // after 1 and 2 have been taken

  try {
    await done
    return 'not reached'
  } catch (err) {
    return (err as Error).message
  }
}

export const expected = 'the feed broke'
