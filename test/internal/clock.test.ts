import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FakeClock, realClock } from '../../src/internal/clock.js'

test('FakeClock starts at 0 or at the given time and moves only on advance', async () => {
  assert.equal(new FakeClock().now(), 0)
  const clock = new FakeClock(1000)
  assert.equal(clock.now(), 1000)
  await clock.flush()
  assert.equal(clock.now(), 1000)
  await clock.advance(250)
  assert.equal(clock.now(), 1250)
  assert.equal(clock.pending, 0)
})

test('advance fires due timers in time order, each seeing its own time', async () => {
  const clock = new FakeClock()
  const fired: [string, number][] = []
  const at = (name: string, ms: number): Promise<void> =>
    clock.sleep(ms).then(() => void fired.push([name, clock.now()]))
  void at('c', 300)
  void at('a', 100)
  void at('d', 1000)
  void at('b', 200)
  assert.equal(clock.pending, 4)
  await clock.advance(299)
  assert.deepEqual(fired, [
    ['a', 100],
    ['b', 200],
  ])
  assert.equal(clock.now(), 299)
  assert.equal(clock.pending, 2)
  await clock.advance(1)
  assert.deepEqual(fired.at(-1), ['c', 300])
  assert.equal(clock.pending, 1)
  await clock.advance(10_000)
  assert.deepEqual(
    fired.map(([n]) => n),
    ['a', 'b', 'c', 'd'],
  )
  assert.deepEqual(fired.at(-1), ['d', 1000])
  assert.equal(clock.now(), 10_300)
  assert.equal(clock.pending, 0)
})

test('timers due at the same time fire in the order they were created', async () => {
  const clock = new FakeClock()
  const fired: number[] = []
  for (let i = 0; i < 5; i++) void clock.sleep(50).then(() => fired.push(i))
  void clock.sleep(20).then(() => fired.push(-1))
  await clock.advance(50)
  assert.deepEqual(fired, [-1, 0, 1, 2, 3, 4])
})

test('zero and negative sleeps fire on advance(0), not before', async () => {
  const clock = new FakeClock(5)
  let fired = 0
  void clock.sleep(0).then(() => fired++)
  void clock.sleep(-10).then(() => fired++)
  await clock.flush()
  assert.equal(fired, 0)
  assert.equal(clock.pending, 2)
  await clock.advance(0)
  assert.equal(fired, 2)
  assert.equal(clock.now(), 5)
})

test('a timer set by woken code fires in the same advance when it falls due', async () => {
  const clock = new FakeClock()
  const ticks: number[] = []
  const loop = async (): Promise<void> => {
    for (let i = 0; i < 10; i++) {
      await clock.sleep(100)
      ticks.push(clock.now())
    }
  }
  const done = loop()
  await clock.advance(350)
  assert.deepEqual(ticks, [100, 200, 300])
  assert.equal(clock.pending, 1)
  await clock.advance(700)
  await done
  assert.deepEqual(ticks, [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000])
  assert.equal(clock.now(), 1050)
})

test('sleep with an already aborted signal rejects with its reason and sets no timer', async () => {
  const clock = new FakeClock()
  const reason = new Error('already stopped')
  await assert.rejects(clock.sleep(100, AbortSignal.abort(reason)), (e) => e === reason)
  assert.equal(clock.pending, 0)
})

test('abort rejects a sleeping timer with the reason and removes it from pending', async () => {
  const clock = new FakeClock()
  const ac = new AbortController()
  let fired = false
  const sleeping = clock.sleep(100, ac.signal).then(() => (fired = true))
  const other = clock.sleep(100)
  assert.equal(clock.pending, 2)
  const reason = new Error('cancelled')
  ac.abort(reason)
  await assert.rejects(sleeping, (e) => e === reason)
  assert.equal(clock.pending, 1)
  await clock.advance(100)
  await other
  assert.equal(fired, false)
  assert.equal(clock.pending, 0)
})

test('abort after the timer fired changes nothing', async () => {
  const clock = new FakeClock()
  const ac = new AbortController()
  const sleeping = clock.sleep(10, ac.signal)
  await clock.advance(10)
  ac.abort(new Error('late'))
  await sleeping // resolved, not rejected
  assert.equal(clock.pending, 0)
})

test('flush lets promise chains and immediates run without moving time', async () => {
  const clock = new FakeClock(7)
  const steps: string[] = []
  void Promise.resolve()
    .then(() => steps.push('a'))
    .then(() => steps.push('b'))
    .then(() => new Promise<void>((r) => setImmediate(r)))
    .then(() => steps.push('c'))
  assert.deepEqual(steps, [])
  await clock.flush()
  assert.deepEqual(steps, ['a', 'b', 'c'])
  assert.equal(clock.now(), 7)
})

test('realClock: now() moves forward; sleep rejects on abort, before or during, without waiting', async () => {
  const t0 = realClock.now()
  assert.equal(typeof t0, 'number')
  assert.ok(realClock.now() >= t0)
  const reason = new Error('stop')
  await assert.rejects(realClock.sleep(60_000, AbortSignal.abort(reason)), (e) => e === reason)
  const ac = new AbortController()
  const sleeping = realClock.sleep(60_000, ac.signal)
  ac.abort(reason)
  await assert.rejects(sleeping, (e) => e === reason)
  // the 60 s timer was cleared: this test ends at once instead of keeping the process alive
})

// Reported, not fixed here: advance(-10) sets now() 10 ms back (and advance(NaN) makes it NaN),
// so a test typo breaks the monotonic time every operator relies on. A RangeError would be clearer.
test('advance never moves time backwards', async () => {
  const clock = new FakeClock(100)
  await clock.advance(-10).catch((e: unknown) => assert.ok(e instanceof RangeError))
  assert.equal(clock.now(), 100)
  await clock.advance(NaN).catch((e: unknown) => assert.ok(e instanceof RangeError))
  assert.equal(clock.now(), 100)
})
