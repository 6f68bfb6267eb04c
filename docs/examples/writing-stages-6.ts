import { pipe, toArray, type Stage } from '../../src/index.js'

/** Label each element with the next element of `labels`; end when either runs out. */
function labelWith<T, L>(labels: AsyncIterable<L>): Stage<T, [L, T]> {
  return async function* labelWithStage(source) {
    // this stage opens an iterator itself, so it must close it itself
    const it = labels[Symbol.asyncIterator]()
    try {
      for await (const x of source) {
        const label = await it.next()
        if (label.done === true) return
        yield [label.value, x]
      }
    } finally {
      await it.return?.()
    }
  }
}

export async function run() {
  let labelsClosed = false
  async function* letters() {
    try {
      yield* ['a', 'b', 'c', 'd']
    } finally {
      labelsClosed = true
    }
  }
  const out = await pipe([1, 2], labelWith(letters()), toArray())
  return { out, labelsClosed }
}

export const expected = {
  out: [
    ['a', 1],
    ['b', 2],
  ],
  labelsClosed: true,
}
