import { test } from 'node:test'
import assert from 'node:assert/strict'
import { expectTypeOf } from 'expect-type'
import { pipe, toArray, map, pushable, fromIterable } from '../../src/index.js'
import { tracked, forever, settle } from '../helpers.js'

test('toArray collects every element in order, from any kind of source', async () => {
  const squares = await pipe(
    [1, 2, 3],
    map((x) => x * x),
    toArray(),
  )
  expectTypeOf(squares).toEqualTypeOf<number[]>()
  assert.deepEqual(squares, [1, 4, 9])
  assert.deepEqual(await pipe(tracked(['a', 'b']), toArray()), ['a', 'b'])
  assert.deepEqual(await pipe(new Set([3, 1, 2]), toArray()), [3, 1, 2])
  async function* gen(): AsyncGenerator<number> {
    yield 1
    await settle(1)
    yield 2
  }
  assert.deepEqual(await toArray<number>()(gen()), [1, 2])
  assert.deepEqual(await toArray<number>()(fromIterable([4, 5])), [4, 5])
  const source = pushable<number>()
  const done = pipe(source, toArray())
  source.push(1)
  source.push(2)
  source.end()
  assert.deepEqual(await done, [1, 2])
})

test('each call collects into a new array', async () => {
  const collect = toArray<number>()
  const src = fromIterable([1, 2])
  const a = await collect(src)
  const b = await collect(src)
  assert.deepEqual(a, [1, 2])
  assert.deepEqual(b, [1, 2])
  assert.notEqual(a, b)
})

test('toArray on an empty source resolves to []', async () => {
  assert.deepEqual(await pipe([], toArray()), [])
  assert.deepEqual(await pipe(tracked<number>([]), toArray()), [])
})

test('a source error rejects toArray', async () => {
  const src = tracked([1, 2, 3], { failAt: 2, error: new Error('source broke') })
  await assert.rejects(pipe(src, toArray()), /source broke/)
  await assert.rejects(
    pipe(
      [1, 2, 3],
      map((x) => {
        if (x === 2) throw new Error('map failed')
        return x
      }),
      toArray(),
    ),
    /map failed/,
  )
})

test('toArray() does nothing until applied; it waits while the source waits', async () => {
  const src = tracked([1])
  const collect = toArray<number>()
  await settle()
  assert.equal(src.state.pulled, 0)
  assert.deepEqual(await collect(src), [1])
  const stuck = forever<number>()
  let finished = false
  void toArray<number>()(stuck).then(() => (finished = true))
  await settle()
  assert.equal(finished, false)
  assert.equal(stuck.state.pulled, 1)
})
