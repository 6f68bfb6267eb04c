import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pipe } from '../../src/pipe/pipe.js'
import { rateLimit } from '../../src/operators/rate-limit.js'
import { FakeClock } from '../../src/internal/clock.js'
import { pushable } from '../../src/sources/pushable.js'
import { forever, settle, tracked, record } from '../helpers.js'

test('rateLimit passes the first element at once and spaces the rest by ms', async () => {
  const clock = new FakeClock()
  const { seen, done } = record(pipe([1, 2, 3], rateLimit(100, { clock })), clock)
  await clock.flush()
  assert.deepEqual(seen, [[1, 0]])
  await clock.advance(99)
  assert.deepEqual(seen, [[1, 0]])
  await clock.advance(1)
  assert.deepEqual(seen, [
    [1, 0],
    [2, 100],
  ])
  await clock.advance(100)
  await done
  assert.deepEqual(seen, [
    [1, 0],
    [2, 100],
    [3, 200],
  ])
})

test('rateLimit does not delay elements that already arrive far enough apart', async () => {
  const clock = new FakeClock()
  const src = pushable<string>()
  const { seen, done } = record(pipe(src, rateLimit('1s', { clock })), clock)
  src.push('a')
  await clock.advance(1500)
  src.push('b') // 1500 ms after a: passes at once
  await clock.flush()
  src.push('c') // 0 ms after b: waits 1000 ms
  await clock.advance(999)
  assert.deepEqual(seen, [
    ['a', 0],
    ['b', 1500],
  ])
  await clock.advance(1)
  src.end()
  await done
  assert.deepEqual(seen, [
    ['a', 0],
    ['b', 1500],
    ['c', 2500],
  ])
  assert.equal(clock.pending, 0)
})

test('rateLimit on an empty source ends at once', async () => {
  const clock = new FakeClock()
  const it = pipe([], rateLimit(100, { clock }))[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: undefined, done: true })
})

test('rateLimit delivers earlier values, then the source error', async () => {
  const clock = new FakeClock()
  const src = tracked([1, 2, 3], { failAt: 2, error: new Error('boom') })
  const { seen, done } = record(pipe(src, rateLimit(10, { clock })), clock)
  const failed = assert.rejects(done, /boom/)
  await clock.advance(100)
  await failed
  assert.deepEqual(seen, [
    [1, 0],
    [2, 10],
  ])
})

test('rateLimit is lazy and closes the source on break', async () => {
  const clock = new FakeClock()
  const src = tracked([1, 2, 3])
  const out = pipe(src, rateLimit(10, { clock }))
  await settle()
  assert.equal(src.state.pulled, 0)
  for await (const x of out) {
    assert.equal(x, 1)
    break
  }
  assert.deepEqual(src.state, { pulled: 1, closed: true })
  assert.equal(clock.pending, 0)
})

test('rateLimit: abort while waiting rejects with the reason, cancels the timer and closes the source', async () => {
  const clock = new FakeClock()
  const ac = new AbortController()
  const src = tracked([1, 2, 3])
  const it = pipe(src, rateLimit(100, { clock, signal: ac.signal }))[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: 1, done: false })
  const p = it.next()
  await settle()
  assert.equal(clock.pending, 1)
  const reason = new Error('stop')
  ac.abort(reason)
  await assert.rejects(p, (e) => e === reason)
  await settle()
  assert.equal(clock.pending, 0)
  assert.equal(src.state.closed, true)
})

test('rateLimit: abort while waiting on the source rejects and closes it', async () => {
  const ac = new AbortController()
  const src = forever<number>()
  const it = pipe(src, rateLimit(100, { clock: new FakeClock(), signal: ac.signal }))[Symbol.asyncIterator]()
  const p = it.next()
  await settle()
  ac.abort(new Error('cancelled'))
  await assert.rejects(p, /cancelled/)
  assert.equal(src.state.closed, true)
})

test('rateLimit checks its arguments at construction', () => {
  assert.throws(() => rateLimit(-5), { name: 'RangeError', message: /rateLimit: ms .*-5/ })
  assert.throws(() => rateLimit('fast'), { name: 'RangeError', message: /rateLimit: ms .*"fast"/ })
  assert.throws(() => rateLimit(null as unknown as number), { name: 'TypeError', message: /rateLimit: ms/ })
  assert.throws(() => rateLimit(1, 5 as unknown as object), { name: 'TypeError', message: /rateLimit: options/ })
  assert.throws(() => rateLimit(1, { signal: 'x' as unknown as AbortSignal }), /rateLimit: signal/)
})
