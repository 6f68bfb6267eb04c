import { test } from 'node:test'
import assert from 'node:assert/strict'
import { expectTypeOf } from 'expect-type'
import { pipe, flatten, toArray } from '../../src/index.js'
import { tracked } from '../helpers.js'

test('flatten arrays, Sets, sync and async generators (Streamz docstring)', async () => {
  const out = await pipe(
    [
      [1, 2, 3],
      [4, 5],
      [6, 7, 7],
    ],
    flatten(),
    toArray(),
  )
  assert.deepEqual(out, [1, 2, 3, 4, 5, 6, 7, 7])
  expectTypeOf(out).toEqualTypeOf<number[]>()
  function* gen() {
    yield 'g1'
    yield 'g2'
  }
  async function* agen() {
    yield 'a1'
    await Promise.resolve()
    yield 'a2'
  }
  const mixed = await pipe(
    [new Set(['s']), gen(), agen(), [], tracked(['t'])] as (Iterable<string> | AsyncIterable<string>)[],
    flatten(),
    toArray(),
  )
  assert.deepEqual(mixed, ['s', 'g1', 'g2', 'a1', 'a2', 't'])
})

test('flatten iterates a string element into characters, as Python does', async () => {
  assert.deepEqual(await pipe(['ab', 'c😀'], flatten(), toArray()), ['a', 'b', 'c', '😀'])
})

test('flatten pulls an endless inner iterable lazily', async () => {
  let made = 0
  function* naturals() {
    for (let i = 0; ; i++) {
      made++
      yield i
    }
  }
  const src = tracked([naturals()])
  const got: number[] = []
  for await (const x of pipe(src, flatten())) {
    got.push(x)
    if (got.length === 3) break
  }
  assert.deepEqual(got, [0, 1, 2])
  assert.equal(made, 3)
  assert.equal(src.state.closed, true)
})

test('break closes both the current inner iterator and the source', async () => {
  const inner = tracked([1, 2, 3])
  const src = tracked([inner, tracked([4])])
  const out = pipe(src, flatten())
  assert.equal(src.state.pulled, 0)
  for await (const x of out) {
    assert.equal(x, 1)
    break
  }
  assert.deepEqual(inner.state, { pulled: 1, closed: true })
  assert.deepEqual(src.state, { pulled: 1, closed: true })
})

test('flatten on an empty source and empty inner iterables', async () => {
  assert.deepEqual(await pipe(tracked<number[]>([]), flatten(), toArray()), [])
  assert.deepEqual(await pipe([[], new Set<number>()] as Iterable<number>[], flatten(), toArray()), [])
})

test('a source error arrives after the elements before it', async () => {
  const src = tracked([[1, 2], [3]], { failAt: 1 })
  const got: number[] = []
  await assert.rejects(
    (async () => {
      for await (const x of pipe(src, flatten())) got.push(x)
    })(),
    /source failed/,
  )
  assert.deepEqual(got, [1, 2])
})

test('an inner iterable error arrives after its earlier elements and closes the source', async () => {
  const src = tracked([tracked([1, 2, 3], { failAt: 1, error: new Error('inner failed') }), [9]])
  const got: number[] = []
  await assert.rejects(
    (async () => {
      for await (const x of pipe(src, flatten())) got.push(x)
    })(),
    /inner failed/,
  )
  assert.deepEqual(got, [1])
  assert.equal(src.state.closed, true)
})

test('a non-iterable element is a TypeError that closes the source', async () => {
  const src = tracked([[1], 2 as unknown as number[], [3]])
  const got: number[] = []
  await assert.rejects(
    (async () => {
      for await (const x of pipe(src, flatten())) got.push(x)
    })(),
    { name: 'TypeError', message: 'flatten: each element must be an Iterable or AsyncIterable, got 2' },
  )
  assert.deepEqual(got, [1])
  assert.equal(src.state.closed, true)
  await assert.rejects(pipe([null as unknown as number[]], flatten(), toArray()), TypeError)
})

test('flatten is lazy: nothing is pulled before the first next()', async () => {
  const src = tracked([[1, 2]])
  const it = pipe(src, flatten())[Symbol.asyncIterator]()
  await Promise.resolve()
  assert.equal(src.state.pulled, 0)
  assert.deepEqual(await it.next(), { done: false, value: 1 })
  assert.equal(src.state.pulled, 1)
  await it.return?.()
  assert.equal(src.state.closed, true)
})
