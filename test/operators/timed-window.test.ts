import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pipe } from '../../src/pipe/pipe.js'
import { timedWindow } from '../../src/operators/timed-window.js'
import { FakeClock } from '../../src/internal/clock.js'
import { pushable } from '../../src/sources/pushable.js'
import { forever, settle, tracked, record } from '../helpers.js'

test('timedWindow emits what arrived in each interval, skips empty ones, flushes the partial window at the end', async () => {
  const clock = new FakeClock()
  const src = pushable<number>()
  const { seen, done } = record(pipe(src, timedWindow(100, { clock })), clock)
  src.push(1)
  src.push(2)
  await clock.advance(99)
  assert.deepEqual(seen, [])
  await clock.advance(1)
  assert.deepEqual(seen, [[[1, 2], 100]])
  await clock.advance(50)
  src.push(3)
  await clock.advance(50)
  await clock.advance(100) // 200..300: nothing arrived, nothing emitted
  await clock.advance(50)
  src.push(4)
  await clock.advance(10)
  src.end() // at 360: the partial window goes out at once
  await done
  assert.deepEqual(seen, [
    [[1, 2], 100],
    [[3], 200],
    [[4], 360],
  ])
  assert.equal(clock.pending, 0)
})

test('timedWindow accepts a duration string', async () => {
  const clock = new FakeClock()
  const src = pushable<string>()
  const { seen } = record(pipe(src, timedWindow('1s', { clock })), clock)
  src.push('a')
  await clock.advance(999)
  assert.deepEqual(seen, [])
  await clock.advance(1)
  assert.deepEqual(seen, [[['a'], 1000]])
  src.end()
})

test('timedWindow on an empty source ends without a window and cancels its timer', async () => {
  const clock = new FakeClock()
  const it = pipe([], timedWindow(100, { clock }))[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: undefined, done: true })
  assert.equal(clock.pending, 0)
})

test('timedWindow on a finite source ends with one window holding everything (no tick needed)', async () => {
  const clock = new FakeClock()
  const it = pipe([1, 2, 3], timedWindow(100, { clock }))[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: [1, 2, 3], done: false })
  assert.deepEqual(await it.next(), { value: undefined, done: true })
  assert.equal(clock.pending, 0)
})

test('timedWindow delivers the windows held, then the source error', async () => {
  const clock = new FakeClock()
  const src = pushable<number>()
  const it = pipe(src, timedWindow(100, { clock }))[Symbol.asyncIterator]()
  const first = it.next()
  src.push(1)
  await clock.advance(100)
  assert.deepEqual(await first, { value: [1], done: false })
  src.push(2)
  await clock.advance(100) // [2] waits for the consumer
  src.push(3)
  src.error(new Error('boom'))
  await clock.flush()
  assert.deepEqual(await it.next(), { value: [2], done: false })
  assert.deepEqual(await it.next(), { value: [3], done: false })
  await assert.rejects(it.next(), /boom/)
  assert.equal(clock.pending, 0)
})

test('timedWindow: an error from a tracked source after two values', async () => {
  const clock = new FakeClock()
  const src = tracked([1, 2, 3], { failAt: 2, error: new Error('bad') })
  const it = pipe(src, timedWindow(100, { clock }))[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: [1, 2], done: false })
  await assert.rejects(it.next(), /bad/)
})

test('timedWindow is lazy: no pull and no timer before the first next()', async () => {
  const clock = new FakeClock()
  const src = tracked([1, 2])
  pipe(src, timedWindow(100, { clock }))
  await settle()
  assert.equal(src.state.pulled, 0)
  assert.equal(clock.pending, 0)
})

test('timedWindow: break cancels the timer and closes the source', async () => {
  const clock = new FakeClock()
  const src = pushable<number>()
  const got: number[][] = []
  const done = (async () => {
    for await (const w of pipe(src, timedWindow(100, { clock }))) {
      got.push(w)
      break
    }
  })()
  src.push(7)
  await clock.advance(100)
  await done
  assert.deepEqual(got, [[7]])
  assert.equal(src.closed, true)
  assert.equal(clock.pending, 0)
})

test('timedWindow: break from a fast endless source closes it and leaves no timer', async () => {
  const clock = new FakeClock()
  let closed = false
  function* naturals(): Generator<number> {
    try {
      for (let i = 0; ; i++) yield i
    } finally {
      closed = true
    }
  }
  const windows: number[][] = []
  const done = (async () => {
    for await (const w of pipe(naturals(), timedWindow(100, { clock }))) {
      windows.push(w)
      if (windows.length === 2) break
    }
  })()
  await clock.advance(100)
  await clock.advance(100)
  await done
  assert.equal(windows.length, 2)
  const [a, b] = windows as [number[], number[]]
  assert.ok(a.length > 0 && b.length > 0)
  assert.deepEqual(a.slice(0, 3), [0, 1, 2])
  assert.equal(b[0], (a.at(-1) as number) + 1) // nothing lost between windows
  assert.equal(closed, true)
  assert.equal(clock.pending, 0)
})

test('timedWindow holds at most one finished window plus the current one for a slow consumer', async () => {
  const clock = new FakeClock()
  const src = pushable<number>()
  const it = pipe(src, timedWindow(100, { clock }))[Symbol.asyncIterator]()
  const first = it.next()
  src.push(1)
  await clock.advance(100)
  assert.deepEqual(await first, { value: [1], done: false })
  // the consumer now stops asking
  src.push(2)
  await clock.advance(100) // [2] finished, waiting
  src.push(3)
  await clock.advance(100) // [3] due as well: reading and the timer pause
  src.push(4) // taken by the read that was already in flight, held for the next window
  src.push(5)
  src.push(6)
  await clock.advance(1000)
  assert.equal(src.length, 2) // 5 and 6 are not read
  assert.equal(clock.pending, 0)
  assert.deepEqual(await it.next(), { value: [2], done: false })
  assert.deepEqual(await it.next(), { value: [3], done: false })
  await clock.flush()
  assert.equal(src.length, 0) // reading resumed
  assert.equal(clock.pending, 1)
  const next = it.next()
  await clock.advance(100)
  assert.deepEqual(await next, { value: [4, 5, 6], done: false })
  src.end()
  assert.deepEqual(await it.next(), { value: undefined, done: true })
  assert.equal(clock.pending, 0)
})

test('timedWindow: abort rejects the pending next() with the reason, cancels the timer, closes the source', async () => {
  const clock = new FakeClock()
  const ac = new AbortController()
  const src = forever<number>()
  const it = pipe(src, timedWindow(100, { clock, signal: ac.signal }))[Symbol.asyncIterator]()
  const p = it.next()
  await settle()
  assert.equal(clock.pending, 1)
  const reason = new Error('stop')
  ac.abort(reason)
  await assert.rejects(p, (e) => e === reason)
  assert.equal(clock.pending, 0)
  assert.equal(src.state.closed, true)
})

test('timedWindow: abort while the consumer is idle closes at once; the next next() rejects', async () => {
  const clock = new FakeClock()
  const ac = new AbortController()
  const src = pushable<number>()
  const it = pipe(src, timedWindow(100, { clock, signal: ac.signal }))[Symbol.asyncIterator]()
  const first = it.next()
  src.push(1)
  await clock.advance(100)
  assert.deepEqual(await first, { value: [1], done: false })
  ac.abort(new Error('gone'))
  assert.equal(src.closed, true)
  assert.equal(clock.pending, 0)
  await assert.rejects(it.next(), /gone/)
})

test('timedWindow checks its arguments at construction', () => {
  assert.throws(() => timedWindow(-1), { name: 'RangeError', message: /timedWindow: ms .*-1/ })
  assert.throws(() => timedWindow('1 fortnight'), { name: 'RangeError', message: /timedWindow: ms/ })
  assert.throws(() => timedWindow(undefined as unknown as number), { name: 'TypeError', message: /timedWindow: ms/ })
  assert.throws(() => timedWindow(1, 'x' as unknown as object), /timedWindow: options/)
  assert.throws(() => timedWindow(1, { signal: 1 as unknown as AbortSignal }), /timedWindow: signal/)
})
