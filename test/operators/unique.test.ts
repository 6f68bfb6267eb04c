import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pipe, unique, toArray } from '../../src/index.js'
import { tracked } from '../helpers.js'

test('unique drops elements seen before', async () => {
  assert.deepEqual(await pipe([1, 2, 1, 3, 2, 4], unique(), toArray()), [1, 2, 3, 4])
})

test('unique with maxsize 1 drops only repeats in a row (Streamz docstring)', async () => {
  assert.deepEqual(await pipe([1, 1, 2, 2, 2, 1, 3], unique({ maxsize: 1 }), toArray()), [1, 2, 1, 3])
})

test('unique maxsize is an LRU: a repeated key becomes the most recent (checked against Streamz 0.6.4)', async () => {
  // python: Stream().unique(maxsize=2) on [1, 2, 1, 3, 1, 2] emits [1, 2, 3, 2]
  assert.deepEqual(await pipe([1, 2, 1, 3, 1, 2], unique({ maxsize: 2 }), toArray()), [1, 2, 3, 2])
  // FIFO eviction would have let the second 1 through; LRU keeps it because it was seen again
  assert.deepEqual(await pipe([1, 2, 3, 1, 4, 1], unique({ maxsize: 3 }), toArray()), [1, 2, 3, 4])
})

test('unique by a key function or a property name', async () => {
  const rows = [
    { id: 1, v: 'a' },
    { id: 2, v: 'b' },
    { id: 1, v: 'c' },
  ]
  assert.deepEqual(await pipe(rows, unique({ key: (r: { id: number }) => r.id }), toArray()), [rows[0], rows[1]])
  assert.deepEqual(await pipe(rows, unique({ key: 'id' }), toArray()), [rows[0], rows[1]])
  // objects compare by identity without a key
  assert.deepEqual(await pipe([{ a: 1 }, { a: 1 }], unique(), toArray()), [{ a: 1 }, { a: 1 }])
})

test('unique state is per iteration', async () => {
  const stage = unique<number>()
  assert.deepEqual(await pipe([1, 1], stage, toArray()), [1])
  assert.deepEqual(await pipe([1, 1], stage, toArray()), [1])
})

test('unique on an empty source, and via for await', async () => {
  assert.deepEqual(await pipe(tracked<number>([]), unique(), toArray()), [])
  const got: number[] = []
  for await (const x of pipe(tracked([3, 3, 4]), unique({ maxsize: 5 }))) got.push(x)
  assert.deepEqual(got, [3, 4])
})

test('unique: a source error arrives after the earlier values', async () => {
  const src = tracked([1, 1, 2, 3], { failAt: 3 })
  const got: number[] = []
  await assert.rejects(
    (async () => {
      for await (const x of pipe(src, unique())) got.push(x)
    })(),
    /source failed/,
  )
  assert.deepEqual(got, [1, 2])
})

test('unique: an error from key reaches the consumer and closes the source', async () => {
  const src = tracked([1, 2, 3])
  const got: number[] = []
  await assert.rejects(
    (async () => {
      for await (const x of pipe(
        src,
        unique({
          key: (x: number) => {
            if (x === 2) throw new Error('bad key')
            return x
          },
        }),
      ))
        got.push(x)
    })(),
    /bad key/,
  )
  assert.deepEqual(got, [1])
  assert.equal(src.state.closed, true)
  await assert.rejects(pipe([{ a: 1 }, {}], unique({ key: 'a' }), toArray()), /unique: element has no key "a"/)
})

test('unique is lazy and break closes the source', async () => {
  const src = tracked([1, 2, 3])
  const out = pipe(src, unique())
  assert.equal(src.state.pulled, 0)
  for await (const _ of out) break
  assert.deepEqual(src.state, { pulled: 1, closed: true })
})

test('unique checks its options at construction', () => {
  assert.throws(() => unique({ maxsize: 0 }), {
    name: 'RangeError',
    message: /unique: maxsize must be a positive integer or Infinity, got 0/,
  })
  assert.throws(() => unique({ maxsize: 1.5 }), RangeError)
  assert.throws(() => unique({ key: {} as never }), {
    name: 'TypeError',
    message: /unique: key must be a function or a property name/,
  })
  assert.throws(() => unique(null as never), TypeError)
})
