import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pipe, buffer, toArray, pushable } from '../../src/index.js'
import { tracked, settle } from '../helpers.js'

test('buffer passes every element through in order', async () => {
  assert.deepEqual(await pipe([1, 2, 3, 4, 5], buffer(2), toArray()), [1, 2, 3, 4, 5])
  assert.deepEqual(await pipe(tracked([1, 2, 3]), buffer(Infinity), toArray()), [1, 2, 3])
})

test('buffer reads ahead up to n elements while the consumer is busy, no more', async () => {
  const src = tracked([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  const it = pipe(src, buffer(3))[Symbol.asyncIterator]()
  await settle()
  assert.equal(src.state.pulled, 0) // nothing before the first next()
  assert.deepEqual(await it.next(), { done: false, value: 1 })
  await settle(10)
  // 1 was handed out, 3 more are held: 4 pulls, and a fifth is not started while the queue is full
  assert.equal(src.state.pulled, 4)
  assert.deepEqual(await it.next(), { done: false, value: 2 })
  await settle(10)
  assert.equal(src.state.pulled, 5)
  const rest: number[] = []
  for (;;) {
    const r = await it.next()
    if (r.done === true) break
    rest.push(r.value)
  }
  assert.deepEqual(rest, [3, 4, 5, 6, 7, 8, 9, 10])
})

test('buffer lets a pushable run ahead of a slow consumer', async () => {
  const src = pushable<number>()
  const it = pipe(src, buffer(2))[Symbol.asyncIterator]()
  const first = it.next()
  await src.emit(1)
  assert.deepEqual(await first, { done: false, value: 1 })
  // the consumer is not asking now, yet two emits are taken by the buffer
  await src.emit(2)
  await src.emit(3)
  src.end()
  assert.deepEqual(await it.next(), { done: false, value: 2 })
  assert.deepEqual(await it.next(), { done: false, value: 3 })
  assert.deepEqual(await it.next(), { done: true, value: undefined })
})

test('buffer on an empty source', async () => {
  assert.deepEqual(await pipe(tracked<number>([]), buffer(4), toArray()), [])
})

test('a source error is delivered after the buffered elements', async () => {
  const src = tracked([1, 2, 3], { failAt: 3 })
  const it = pipe(src, buffer(5))[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { done: false, value: 1 })
  await settle(10)
  assert.equal(src.state.pulled, 4) // the failing pull already happened
  assert.deepEqual(await it.next(), { done: false, value: 2 })
  assert.deepEqual(await it.next(), { done: false, value: 3 })
  await assert.rejects(it.next(), /source failed/)
  assert.deepEqual(await it.next(), { done: true, value: undefined })
})

test('break closes the source, even with a pull in flight', async () => {
  const src = tracked([1, 2, 3, 4])
  for await (const x of pipe(src, buffer(2))) {
    assert.equal(x, 1)
    break
  }
  assert.equal(src.state.closed, true)
  // a source that answers once, then never: the read-ahead pull is pending when the consumer stops
  const state = { pulled: 0, closed: false }
  const stalling: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: () =>
        state.pulled++ === 0
          ? Promise.resolve({ done: false, value: 0 })
          : new Promise<IteratorResult<number>>(() => {}),
      return: () => {
        state.closed = true
        return Promise.resolve({ done: true, value: undefined })
      },
    }),
  }
  for await (const x of pipe(stalling, buffer(3))) {
    assert.equal(x, 0)
    await settle()
    assert.equal(state.pulled, 2) // buffer is waiting on the stalled source
    break
  }
  assert.equal(state.closed, true)
})

test('buffer checks n at construction', () => {
  assert.throws(() => buffer(0), {
    name: 'RangeError',
    message: 'buffer: n must be a positive integer or Infinity, got 0',
  })
  assert.throws(() => buffer(-1), RangeError)
  assert.throws(() => buffer(1.5), RangeError)
  assert.throws(() => buffer('2' as never), TypeError)
})
