import { pipe, toArray, type Stage } from '../../src/index.js'

/** Emit every `n`th element, starting with the first. */
function everyNth<T>(n: number): Stage<T, T> {
  // check arguments at once, so a mistake shows where the pipeline is built
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`everyNth: n must be a positive integer, got ${n}`)
  return async function* everyNthStage(source) {
    let i = 0 // state lives inside the generator: every run starts afresh
    for await (const x of source) {
      if (i++ % n === 0) yield x
    }
  }
}

export async function run() {
  const stage = everyNth<string>(2)
  const first = await pipe(['a', 'b', 'c', 'd', 'e'], stage, toArray())
  const second = await pipe(['v', 'w', 'x'], stage, toArray()) // the same stage, used again
  let message = ''
  try {
    everyNth(0)
  } catch (err) {
    message = (err as Error).message
  }
  return { first, second, message }
}

export const expected = {
  first: ['a', 'c', 'e'],
  second: ['v', 'x'],
  message: 'everyNth: n must be a positive integer, got 0',
}
