import { pipe, map, toArray } from '../../src/index.js'
import { poolMap } from '../../src/pool/index.js'
import inc from './tasks/inc.js'

export async function run() {
  const items = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]

  // in this thread: ten calls of 50 ms, one after the other (about 500 ms)
  const sequential = await pipe(items, map(inc), toArray())

  // in 4 worker threads, up to 8 elements in flight (Streamz's buffer(8)): three rounds of 50 ms
  const task = new URL('./tasks/inc.ts', import.meta.url)
  const parallel = await pipe(items, poolMap<number, number>(task, { workers: 4, maxInFlight: 8 }), toArray())

  return { sequential, parallel }
}

export const expected = {
  sequential: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  parallel: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
}
