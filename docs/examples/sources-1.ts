import { pipe, fromIterable, slice, toArray } from '../../src/index.js'

export async function run() {
  let closed = false
  function* naturals() {
    try {
      for (let n = 0; ; n++) yield n
    } finally {
      closed = true // runs when the pipeline stops early
    }
  }
  const firstFive = await pipe(fromIterable(naturals()), slice(0, 5), toArray())
  return { firstFive, closed }
}

export const expected = { firstFive: [0, 1, 2, 3, 4], closed: true }
