import { test } from 'node:test'
import assert from 'node:assert/strict'
import { expectTypeOf } from 'expect-type'
import { pipe, frequencies, toArray } from '../../src/index.js'
import { tracked } from '../helpers.js'

test('frequencies emits running counts, a fresh Map each time (as Streamz does)', async () => {
  const out = await pipe(['a', 'b', 'a'], frequencies(), toArray())
  expectTypeOf(out).toEqualTypeOf<Map<string, number>[]>()
  assert.deepEqual(
    out.map((m) => [...m]),
    [
      [['a', 1]],
      [
        ['a', 1],
        ['b', 1],
      ],
      [
        ['a', 2],
        ['b', 1],
      ],
    ],
  )
  assert.notEqual(out[0], out[1])
})

test('frequencies counts by SameValueZero and via for await', async () => {
  const got: Map<number, number>[] = []
  for await (const m of pipe(tracked([NaN, NaN, 0, -0]), frequencies())) got.push(m)
  assert.deepEqual(
    [...(got.at(-1) ?? [])],
    [
      [NaN, 2],
      [0, 2],
    ],
  )
})

test('frequencies restarts per iteration', async () => {
  const stage = frequencies<string>()
  const a = await pipe(['x'], stage, toArray())
  const b = await pipe(['x'], stage, toArray())
  assert.deepEqual([...(b[0] ?? [])], [['x', 1]])
  assert.deepEqual([...(a[0] ?? [])], [['x', 1]])
})

test('frequencies on an empty source', async () => {
  assert.deepEqual(await pipe(tracked([]), frequencies(), toArray()), [])
})

test('frequencies: a source error arrives after the earlier values', async () => {
  const src = tracked(['a', 'b', 'c'], { failAt: 2 })
  const got: number[] = []
  await assert.rejects(
    (async () => {
      for await (const m of pipe(src, frequencies())) got.push(m.size)
    })(),
    /source failed/,
  )
  assert.deepEqual(got, [1, 2])
})

test('frequencies is lazy and break closes the source', async () => {
  const src = tracked(['a', 'b'])
  const it = pipe(src, frequencies())[Symbol.asyncIterator]()
  assert.equal(src.state.pulled, 0)
  await it.next()
  await it.return?.()
  assert.deepEqual(src.state, { pulled: 1, closed: true })
})
