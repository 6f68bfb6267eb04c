import { test } from 'node:test'
import assert from 'node:assert/strict'
import { expectTypeOf } from 'expect-type'
import { pipe, pluck, map, toArray } from '../../src/index.js'
import { tracked } from '../helpers.js'

test('pluck picks a property, and an index', async () => {
  const people = [
    { name: 'Alice', x: 123 },
    { name: 'Bob', x: 456 },
  ]
  const names = await pipe(people, pluck('name'), toArray())
  assert.deepEqual(names, ['Alice', 'Bob'])
  expectTypeOf(names).toEqualTypeOf<string[]>()
  const xs = await pipe(tracked(people), pluck('x'), toArray())
  assert.deepEqual(xs, [123, 456])
  expectTypeOf(xs).toEqualTypeOf<number[]>()
  assert.deepEqual(
    await pipe(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      pluck(2),
      toArray(),
    ),
    [3, 6],
  )
})

test('pluck with an array of keys emits an array', async () => {
  const out = await pipe(
    [
      [1, 2, 3, 4],
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ],
    pluck([0, 3]),
    toArray(),
  )
  assert.deepEqual(out, [
    [1, 4],
    [4, 7],
    [8, 11],
  ])
  const mixed = await pipe([{ a: 1, b: 'x', c: true }], pluck(['b', 'a']), toArray())
  assert.deepEqual(mixed, [['x', 1]])
  expectTypeOf(mixed).toEqualTypeOf<[string, number][]>()
  assert.deepEqual(await pipe([{ a: 1 }], pluck([]), toArray()), [[]])
})

test('pluck keeps a present key whose value is undefined', async () => {
  assert.deepEqual(await pipe([{ a: undefined as number | undefined }], pluck('a'), toArray()), [undefined])
})

test('pluck via for await, on an empty source', async () => {
  const out: number[] = []
  for await (const x of pipe(
    tracked([{ a: 1 }, { a: 2 }]),
    map((o) => o),
    pluck('a'),
  ))
    out.push(x)
  assert.deepEqual(out, [1, 2])
  assert.deepEqual(await pipe(tracked<{ a: number }>([]), pluck('a'), toArray()), [])
})

test('a missing key raises a RangeError naming the key, after the earlier values, and closes the source', async () => {
  const src = tracked<Record<string, number>>([{ a: 1 }, { b: 2 }, { a: 3 }])
  const got: number[] = []
  await assert.rejects(
    (async () => {
      for await (const x of pipe(src, pluck('a'))) got.push(x)
    })(),
    { name: 'RangeError', message: 'pluck: element has no key "a"' },
  )
  assert.deepEqual(got, [1])
  assert.equal(src.state.closed, true)
  await assert.rejects(pipe([[1, 2]], pluck(5), toArray()), {
    name: 'RangeError',
    message: 'pluck: index 5 is out of range for an array of length 2',
  })
  await assert.rejects(pipe([{ a: 1 }], pluck(['a', 'z'] as never), toArray()), /pluck: element has no key "z"/)
  await assert.rejects(pipe([null as unknown as { a: 1 }], pluck('a'), toArray()), { name: 'TypeError' })
})

test('pluck: a source error arrives after the earlier values', async () => {
  const src = tracked([{ a: 1 }, { a: 2 }, { a: 3 }], { failAt: 2 })
  const got: number[] = []
  await assert.rejects(
    (async () => {
      for await (const x of pipe(src, pluck('a'))) got.push(x)
    })(),
    /source failed/,
  )
  assert.deepEqual(got, [1, 2])
})

test('pluck is lazy and break closes the source', async () => {
  const src = tracked([{ a: 1 }, { a: 2 }, { a: 3 }])
  const out = pipe(src, pluck('a'))
  const it = out[Symbol.asyncIterator]()
  assert.equal(src.state.pulled, 0)
  assert.deepEqual(await it.next(), { done: false, value: 1 })
  await it.return?.()
  assert.deepEqual(src.state, { pulled: 1, closed: true })
})

test('pluck rejects bad keys at construction', () => {
  assert.throws(() => pluck({} as never), { name: 'TypeError', message: /pluck: key must be a property name or index/ })
  assert.throws(() => pluck([null] as never), { name: 'TypeError' })
  // @ts-expect-error: no such property
  pipe([{ a: 1 }], pluck('z'))
})
