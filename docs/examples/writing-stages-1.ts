import { pipe, toArray, type Stage } from '../../src/index.js'

// a stage with no settings: just an async generator function
async function* double(source: AsyncIterable<number>) {
  for await (const x of source) yield x * 2
}

// a stage with settings: a factory that returns the async generator
function takeWhile<T>(pred: (x: T) => boolean): Stage<T, T> {
  return async function* takeWhileStage(source) {
    for await (const x of source) {
      if (!pred(x)) return // leaving the loop closes the source
      yield x
    }
  }
}

export async function run() {
  return pipe(
    [1, 2, 3, 4, 1],
    double,
    takeWhile((x: number) => x < 7),
    toArray(),
  )
}

export const expected = [2, 4, 6]
