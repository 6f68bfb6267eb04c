import { test } from 'node:test'
import assert from 'node:assert/strict'
import { expectTypeOf } from 'expect-type'
import { pipe, starmap, toArray } from '../../src/index.js'
import { tracked } from '../helpers.js'

test('starmap spreads each array into f', async () => {
  const out = await pipe(
    [
      [0, 0],
      [1, 1],
      [2, 2],
    ] as [number, number][],
    starmap((a, b) => a + b),
    toArray(),
  )
  assert.deepEqual(out, [0, 2, 4])
  const reps = await pipe(
    [[2, 'ab']] as [number, string][],
    starmap((n, s) => s.repeat(n)),
    toArray(),
  )
  assert.deepEqual(reps, ['abab'])
  expectTypeOf(reps).toEqualTypeOf<string[]>()
})

test('starmap awaits an async f, and spreads any iterable', async () => {
  const out: number[] = []
  const src = tracked([
    [1, 2],
    [3, 4],
  ] as [number, number][])
  for await (const x of pipe(
    src,
    starmap(async (a: number, b: number) => a * b),
  ))
    out.push(x)
  assert.deepEqual(out, [2, 12])
  const fromSet = await pipe(
    [new Set([1, 2, 3]) as unknown as number[]],
    starmap((...xs: number[]) => xs.length),
    toArray(),
  )
  assert.deepEqual(fromSet, [3])
})

test('starmap on an empty source', async () => {
  assert.deepEqual(
    await pipe(
      tracked<[number]>([]),
      starmap((a: number) => a),
      toArray(),
    ),
    [],
  )
})

test('starmap: a non-iterable element is a TypeError', async () => {
  await assert.rejects(
    pipe(
      [5 as unknown as [number]],
      starmap((a: number) => a),
      toArray(),
    ),
    {
      name: 'TypeError',
      message: /starmap: each element must be an array or iterable/,
    },
  )
})

test('starmap: a source error arrives after the earlier values', async () => {
  const src = tracked([[1], [2], [3]] as [number][], { failAt: 2 })
  const got: number[] = []
  await assert.rejects(
    (async () => {
      for await (const x of pipe(
        src,
        starmap((a: number) => a * 10),
      ))
        got.push(x)
    })(),
    /source failed/,
  )
  assert.deepEqual(got, [10, 20])
})

test('starmap: an error from f (sync or async) reaches the consumer and closes the source', async () => {
  for (const f of [
    (a: number) => {
      if (a === 2) throw new Error('boom')
      return a
    },
    async (a: number) => {
      if (a === 2) throw new Error('boom')
      return a
    },
  ]) {
    const src = tracked([[1], [2], [3]] as [number][])
    const got: number[] = []
    await assert.rejects(
      (async () => {
        for await (const x of pipe(src, starmap(f))) got.push(x)
      })(),
      /boom/,
    )
    assert.deepEqual(got, [1])
    assert.equal(src.state.closed, true)
    assert.equal(src.state.pulled, 2)
  }
})

test('starmap is lazy and break closes the source', async () => {
  const src = tracked([[1], [2], [3]] as [number][])
  const out = pipe(
    src,
    starmap((a: number) => a),
  )
  assert.equal(src.state.pulled, 0)
  for await (const x of out) {
    assert.equal(x, 1)
    break
  }
  assert.deepEqual(src.state, { pulled: 1, closed: true })
})

test('starmap checks f at construction', () => {
  assert.throws(() => starmap(3 as never), { name: 'TypeError', message: 'starmap: f must be a function, got 3' })
})
