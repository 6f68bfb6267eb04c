import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pipe } from '../../src/pipe/pipe.js'
import { delay } from '../../src/operators/delay.js'
import { FakeClock } from '../../src/internal/clock.js'
import { forever, settle, tracked, record } from '../helpers.js'

test('delay holds each element for ms', async () => {
  const clock = new FakeClock()
  const { seen, done } = record(pipe([1, 2, 3], delay(1000, { clock })), clock)
  await clock.advance(999)
  assert.deepEqual(seen, [])
  await clock.advance(1)
  assert.deepEqual(seen, [[1, 1000]])
  await clock.advance(2000)
  await done
  assert.deepEqual(seen, [
    [1, 1000],
    [2, 2000],
    [3, 3000],
  ])
  assert.equal(clock.pending, 0)
})

test('delay accepts a duration string', async () => {
  const clock = new FakeClock()
  const { seen, done } = record(pipe(['a'], delay('2s', { clock })), clock)
  await clock.advance(1999)
  assert.deepEqual(seen, [])
  await clock.advance(1)
  await done
  assert.deepEqual(seen, [['a', 2000]])
})

test('delay counts from when the element was pulled, not from the previous emit', async () => {
  const clock = new FakeClock()
  const it = pipe([1, 2], delay(100, { clock }))[Symbol.asyncIterator]()
  const a = it.next()
  await clock.advance(100)
  assert.deepEqual(await a, { value: 1, done: false })
  await clock.advance(500) // the consumer is slow; nothing is read meanwhile
  const b = it.next()
  await clock.advance(99)
  let got = false
  void b.then(() => (got = true))
  await settle()
  assert.equal(got, false)
  await clock.advance(1)
  assert.deepEqual(await b, { value: 2, done: false })
  assert.deepEqual(await it.next(), { value: undefined, done: true })
})

test('delay on an empty source ends at once', async () => {
  const clock = new FakeClock()
  const it = pipe([], delay(100, { clock }))[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: undefined, done: true })
  assert.equal(clock.pending, 0)
})

test('delay delivers earlier values, then the source error', async () => {
  const clock = new FakeClock()
  const src = tracked([1, 2, 3], { failAt: 2, error: new Error('boom') })
  const { seen, done } = record(pipe(src, delay(10, { clock })), clock)
  const failed = assert.rejects(done, /boom/)
  await clock.advance(100)
  await failed
  assert.deepEqual(seen, [
    [1, 10],
    [2, 20],
  ])
  assert.equal(clock.pending, 0)
})

test('delay is lazy and closes the source on break', async () => {
  const clock = new FakeClock()
  const src = tracked([1, 2, 3])
  const out = pipe(src, delay(10, { clock }))
  await settle()
  assert.equal(src.state.pulled, 0)
  assert.equal(clock.pending, 0)
  const got: number[] = []
  const done = (async () => {
    for await (const x of out) {
      got.push(x)
      break
    }
  })()
  await clock.advance(10)
  await done
  assert.deepEqual(got, [1])
  assert.deepEqual(src.state, { pulled: 1, closed: true })
  assert.equal(clock.pending, 0)
})

test('delay: abort while sleeping rejects with the reason, cancels the timer and closes the source', async () => {
  const clock = new FakeClock()
  const ac = new AbortController()
  const src = tracked([1, 2, 3])
  const it = pipe(src, delay(100, { clock, signal: ac.signal }))[Symbol.asyncIterator]()
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

test('delay: abort while waiting on the source rejects and closes the source', async () => {
  const clock = new FakeClock()
  const ac = new AbortController()
  const src = forever<number>()
  const it = pipe(src, delay(100, { clock, signal: ac.signal }))[Symbol.asyncIterator]()
  const p = it.next()
  await settle()
  ac.abort(new Error('cancelled'))
  await assert.rejects(p, /cancelled/)
  assert.equal(src.state.closed, true)
})

test('delay: an already aborted signal rejects the first next() without pulling', async () => {
  const ac = new AbortController()
  ac.abort(new Error('early'))
  const src = tracked([1])
  const it = pipe(src, delay(1, { clock: new FakeClock(), signal: ac.signal }))[Symbol.asyncIterator]()
  await assert.rejects(it.next(), /early/)
  assert.equal(src.state.pulled, 0)
})

test('delay checks its arguments at construction', () => {
  assert.throws(() => delay(-1), { name: 'RangeError', message: /delay: ms .*-1/ })
  assert.throws(() => delay('soon'), { name: 'RangeError', message: /delay: ms .*"soon"/ })
  assert.throws(() => delay(NaN), RangeError)
  assert.throws(() => delay({} as unknown as number), { name: 'TypeError', message: /delay: ms/ })
  assert.throws(() => delay(1, null as unknown as object), { name: 'TypeError', message: /delay: options/ })
  assert.throws(() => delay(1, { signal: {} as AbortSignal }), { name: 'TypeError', message: /delay: signal/ })
})
