import { test } from 'node:test'
import assert from 'node:assert/strict'
import { periodic } from '../../src/sources/periodic.js'
import { FakeClock } from '../../src/internal/clock.js'
import { merge } from '../../src/operators/merge.js'
import { settle, within } from '../helpers.js'

const DONE = { value: undefined, done: true }

test('periodic calls fn at once, then every ms, and emits its results', async () => {
  const clock = new FakeClock()
  let n = 0
  const seen: [number, number][] = []
  const done = (async () => {
    for await (const x of periodic(() => ++n, 100, { clock })) {
      seen.push([x, clock.now()])
      if (seen.length === 3) break
    }
  })()
  await clock.flush()
  assert.deepEqual(seen, [[1, 0]])
  await clock.advance(99)
  assert.deepEqual(seen, [[1, 0]])
  await clock.advance(1)
  await clock.advance(100)
  await done
  assert.deepEqual(seen, [
    [1, 0],
    [2, 100],
    [3, 200],
  ])
  assert.equal(n, 3)
  assert.equal(clock.pending, 0)
})

test('periodic awaits an async fn and accepts a duration string', async () => {
  const clock = new FakeClock()
  const it = periodic(async () => 'tick', '2s', { clock })[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: 'tick', done: false })
  const p = it.next()
  await clock.advance(1999)
  let got = false
  void p.then(() => (got = true))
  await settle()
  assert.equal(got, false)
  await clock.advance(1)
  assert.deepEqual(await p, { value: 'tick', done: false })
  await it.return?.()
})

test('periodic emits undefined results, as Streamz emits None', async () => {
  const clock = new FakeClock()
  const it = periodic(() => undefined, 10, { clock })[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: undefined, done: false })
  const p = it.next()
  await clock.advance(10)
  assert.deepEqual(await p, { value: undefined, done: false })
  await it.return?.()
})

test('periodic calls on demand: a slow consumer gets no backlog of calls', async () => {
  const clock = new FakeClock()
  let n = 0
  const it = periodic(() => ++n, 100, { clock })[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: 1, done: false })
  await clock.advance(550) // nobody asks for 550 ms
  assert.equal(n, 1)
  assert.equal(clock.pending, 0)
  assert.deepEqual(await it.next(), { value: 2, done: false }) // overdue: called at once
  const p = it.next()
  await clock.advance(100)
  assert.deepEqual(await p, { value: 3, done: false }) // then back to every 100 ms
  await it.return?.()
})

test('periodic is lazy: fn is not called before the first next()', async () => {
  const clock = new FakeClock()
  let n = 0
  periodic(() => ++n, 10, { clock })[Symbol.asyncIterator]()
  await clock.advance(100)
  assert.equal(n, 0)
  assert.equal(clock.pending, 0)
})

test('periodic: an error from fn ends the stream after the earlier values', async () => {
  const clock = new FakeClock()
  let n = 0
  const it = periodic(
    () => {
      if (++n === 2) throw new Error('sensor down')
      return n
    },
    10,
    { clock },
  )[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: 1, done: false })
  const p = it.next()
  const failed = assert.rejects(p, /sensor down/)
  await clock.advance(10)
  await failed
  assert.deepEqual(await it.next(), { value: undefined, done: true })
  assert.equal(clock.pending, 0)
})

test('periodic: a rejected promise from fn is raised too', async () => {
  const it = periodic(() => Promise.reject(new Error('async fail')), 10, { clock: new FakeClock() })[
    Symbol.asyncIterator
  ]()
  await assert.rejects(it.next(), /async fail/)
})

test('periodic: abort while waiting rejects with the reason and cancels the timer', async () => {
  const clock = new FakeClock()
  const ac = new AbortController()
  let n = 0
  const it = periodic(() => ++n, 100, { clock, signal: ac.signal })[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: 1, done: false })
  const p = it.next()
  await settle()
  assert.equal(clock.pending, 1)
  const reason = new Error('stop')
  ac.abort(reason)
  await assert.rejects(p, (e) => e === reason)
  await settle()
  assert.equal(clock.pending, 0)
  await assert.rejects(it.next(), (e) => e === reason)
  await clock.advance(1000)
  assert.equal(n, 1)
})

test('periodic: return() while a next() waits for the timer cancels the timer and ends that next()', async () => {
  const clock = new FakeClock()
  let n = 0
  const it = periodic(() => ++n, 100, { clock })[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: 1, done: false })
  const pending = it.next()
  await settle()
  assert.equal(clock.pending, 1)
  assert.deepEqual(await within(it.return!(), 'return()'), DONE)
  assert.deepEqual(await within(pending, 'the pending next()'), DONE)
  assert.equal(clock.pending, 0)
  await clock.advance(1000)
  assert.equal(n, 1)
  assert.deepEqual(await it.next(), DONE)
})

test('periodic: return() while an async fn is pending ends that next() without waiting for fn', async () => {
  const clock = new FakeClock()
  let calls = 0
  const it = periodic(() => (calls++, new Promise<number>(() => {})), 100, { clock })[Symbol.asyncIterator]()
  const pending = it.next()
  await settle()
  assert.equal(calls, 1)
  assert.deepEqual(await within(it.return!(), 'return()'), DONE)
  assert.deepEqual(await within(pending, 'the pending next()'), DONE)
  assert.equal(clock.pending, 0)
  assert.equal(calls, 1)
})

test('periodic: merge closing it on break cancels its waiting timer', async () => {
  const clock = new FakeClock()
  const seen: unknown[] = []
  for await (const x of merge(
    periodic(() => 'tick', 100, { clock }),
    [1],
  )) {
    seen.push(x)
    if (seen.length === 2) {
      // both first elements are out: merge has asked periodic again, which now sleeps
      await settle()
      assert.equal(clock.pending, 1)
      break
    }
  }
  assert.deepEqual([...seen].sort(), [1, 'tick'])
  await settle()
  assert.equal(clock.pending, 0)
})

test('periodic checks its arguments at construction', () => {
  assert.throws(() => periodic('f' as unknown as () => number, 10), { name: 'TypeError', message: /periodic: fn/ })
  assert.throws(() => periodic(() => 1, -10), { name: 'RangeError', message: /periodic: ms .*-10/ })
  assert.throws(() => periodic(() => 1, '10 parsecs'), { name: 'RangeError', message: /periodic: ms/ })
  assert.throws(() => periodic(() => 1, 10, null as unknown as object), /periodic: options/)
  assert.throws(() => periodic(() => 1, 10, { signal: {} as AbortSignal }), /periodic: signal/)
})
