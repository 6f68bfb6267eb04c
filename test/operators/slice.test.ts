import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pipe, slice, partition, map, toArray } from '../../src/index.js'
import { tracked, range } from '../helpers.js'

test('slice follows Python slice semantics', async () => {
  for (const [start, end, step] of [
    [0, 10, 1],
    [2, 6, 2],
    [1, 7, 3], // Streamz 0.6.4 gives [3, 6] here (i % step); Python gives [1, 4]
    [3, 100, 1],
    [0, 3, 5],
    [5, 5, 1],
    [6, 2, 1],
    [10, 20, 1],
  ] as const) {
    const want = range(10)
      .slice(start, end)
      .filter((_, i) => i % step === 0)
    assert.deepEqual(
      await pipe(range(10), slice(start, end, step), toArray()),
      want,
      `slice(${start}, ${end}, ${step})`,
    )
  }
  assert.deepEqual(await pipe(range(6), slice(), toArray()), range(6))
  assert.deepEqual(await pipe(range(6), slice(4), toArray()), [4, 5])
  assert.deepEqual(await pipe(range(6), slice(undefined, 2), toArray()), [0, 1])
  assert.deepEqual(await pipe(range(6), slice(undefined, undefined, 2), toArray()), [0, 2, 4])
})

test('slice stops pulling at end and closes the source', async () => {
  const src = tracked(range(100))
  assert.deepEqual(await pipe(src, slice(2, 5), toArray()), [2, 3, 4])
  assert.deepEqual(src.state, { pulled: 5, closed: true })
  const src2 = tracked(range(100))
  const got: number[] = []
  for await (const x of pipe(src2, slice(0, 6, 4))) got.push(x)
  assert.deepEqual(got, [0, 4])
  // position 4 is the last that can be kept, so position 5 is never pulled
  assert.deepEqual(src2.state, { pulled: 5, closed: true })
})

test('slice ends an endless source; end <= start ends after one pull', async () => {
  async function* naturals(state: { closed: boolean }) {
    try {
      for (let i = 0; ; i++) yield i
    } finally {
      state.closed = true
    }
  }
  const state = { closed: false }
  assert.deepEqual(await pipe(naturals(state), slice(0, 3), toArray()), [0, 1, 2])
  assert.equal(state.closed, true)
  const src = tracked(range(10))
  assert.deepEqual(await pipe(src, slice(4, 2), toArray()), [])
  assert.deepEqual(src.state, { pulled: 1, closed: true })
})

test('reaching end still ends downstream steps, so their held state is flushed', async () => {
  assert.deepEqual(await pipe(range(100), slice(0, 5), partition(2), toArray()), [[0, 1], [2, 3], [4]])
  const got: number[][] = []
  for await (const p of pipe(
    tracked(range(100)),
    slice(0, 5),
    map(async (x) => x),
    partition(2),
  ))
    got.push(p)
  assert.deepEqual(got, [[0, 1], [2, 3], [4]])
})

test('slice on an empty source', async () => {
  assert.deepEqual(await pipe(tracked<number>([]), slice(1, 3), toArray()), [])
})

test('slice: a source error arrives after the earlier values', async () => {
  const src = tracked(range(10), { failAt: 3 })
  const got: number[] = []
  await assert.rejects(
    (async () => {
      for await (const x of pipe(src, slice(1))) got.push(x)
    })(),
    /source failed/,
  )
  assert.deepEqual(got, [1, 2])
})

test('slice is lazy and break closes the source', async () => {
  const src = tracked(range(10))
  const out = pipe(src, slice(2))
  assert.equal(src.state.pulled, 0)
  for await (const x of out) {
    assert.equal(x, 2)
    break
  }
  assert.deepEqual(src.state, { pulled: 3, closed: true })
})

test('slice checks its arguments at construction', () => {
  assert.throws(() => slice(-1), {
    name: 'RangeError',
    message: /slice: start must be a non-negative integer \(a stream has no known length/,
  })
  assert.throws(() => slice(0, -2), { name: 'RangeError', message: /slice: end must be a non-negative integer/ })
  assert.throws(() => slice(0, 5, 0), { name: 'RangeError', message: 'slice: step must be a positive integer, got 0' })
  assert.throws(() => slice(0, 5, -1), RangeError)
  assert.throws(() => slice(1.5), RangeError)
  assert.throws(() => slice(Infinity), RangeError)
  assert.throws(() => slice('1' as never), TypeError)
  assert.doesNotThrow(() => slice(0, Infinity))
})
