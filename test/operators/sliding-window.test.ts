import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pipe, slidingWindow, toArray } from '../../src/index.js'
import { tracked } from '../helpers.js'

test('slidingWindow emits partial windows first by default', async () => {
  assert.deepEqual(await pipe([0, 1, 2, 3, 4], slidingWindow(3), toArray()), [
    [0],
    [0, 1],
    [0, 1, 2],
    [1, 2, 3],
    [2, 3, 4],
  ])
})

test('slidingWindow with returnPartial false (Streamz docstring)', async () => {
  const out = await pipe([0, 1, 2, 3, 4, 5, 6, 7], slidingWindow(3, { returnPartial: false }), toArray())
  assert.deepEqual(out, [
    [0, 1, 2],
    [1, 2, 3],
    [2, 3, 4],
    [3, 4, 5],
    [4, 5, 6],
    [5, 6, 7],
  ])
  assert.deepEqual(await pipe([1, 2], slidingWindow(3, { returnPartial: false }), toArray()), [])
})

test('slidingWindow of 1, and a long run wraps the ring correctly', async () => {
  assert.deepEqual(await pipe([1, 2, 3], slidingWindow(1), toArray()), [[1], [2], [3]])
  const xs = Array.from({ length: 50 }, (_, i) => i)
  const out = await pipe(xs, slidingWindow(4, { returnPartial: false }), toArray())
  assert.equal(out.length, 47)
  out.forEach((w, i) => assert.deepEqual(w, [i, i + 1, i + 2, i + 3]))
})

test('slidingWindow emits fresh arrays: mutating one does not affect the next', async () => {
  const got: number[][] = []
  for await (const w of pipe(tracked([1, 2, 3]), slidingWindow(2))) {
    got.push(w)
    w.push(99)
  }
  assert.deepEqual(got, [
    [1, 99],
    [1, 2, 99],
    [2, 3, 99],
  ])
})

test('slidingWindow on an empty source', async () => {
  assert.deepEqual(await pipe(tracked<number>([]), slidingWindow(2), toArray()), [])
})

test('slidingWindow: a source error arrives after the earlier windows', async () => {
  const src = tracked([1, 2, 3], { failAt: 2 })
  const got: number[][] = []
  await assert.rejects(
    (async () => {
      for await (const w of pipe(src, slidingWindow(2))) got.push(w)
    })(),
    /source failed/,
  )
  assert.deepEqual(got, [[1], [1, 2]])
})

test('slidingWindow is lazy and break closes the source', async () => {
  const src = tracked([1, 2, 3, 4])
  const out = pipe(src, slidingWindow(2))
  assert.equal(src.state.pulled, 0)
  for await (const _ of out) break
  assert.deepEqual(src.state, { pulled: 1, closed: true })
})

test('slidingWindow checks its arguments at construction', () => {
  assert.throws(() => slidingWindow(0), {
    name: 'RangeError',
    message: 'slidingWindow: n must be a positive integer, got 0',
  })
  assert.throws(() => slidingWindow(2.5), RangeError)
  assert.throws(() => slidingWindow('3' as never), TypeError)
  assert.throws(() => slidingWindow(2, 5 as never), TypeError)
})
