import { pipe, fromIterable, sink } from '../../src/index.js'

export async function run() {
  const controller = new AbortController()
  let closed = false
  function* forever() {
    try {
      for (let i = 1; ; i++) yield i
    } finally {
      closed = true
    }
  }

  const got: number[] = []
  try {
    await pipe(
      fromIterable(forever(), { signal: controller.signal }),
      sink((n) => {
        got.push(n)
        if (n === 3) controller.abort(new Error('enough'))
      }),
    )
  } catch (err) {
    return { got, reason: (err as Error).message, closed }
  }
  return 'not reached'
}

export const expected = { got: [1, 2, 3], reason: 'enough', closed: true }
