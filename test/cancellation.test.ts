// Every operator, checked the same three ways: an early `break`, an error thrown downstream,
// and (for the time operators and sources) an AbortSignal each stop the whole chain and
// close every source.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as sz from '../src/index.js'
import { FakeClock, pipe, map, sink, type Stage } from '../src/index.js'

interface Counted extends AsyncIterable<number> {
  closed: boolean
  pulled: number
}

/** An endless async source 0, 1, 2, ... that records its close. */
function endless(): Counted {
  const state = {
    closed: false,
    pulled: 0,
    async *[Symbol.asyncIterator]() {
      try {
        for (let i = 0; ; i++) {
          state.pulled++
          yield i
        }
      } finally {
        state.closed = true
      }
    },
  }
  return state
}

/** Keep fake time moving until stopped, so time-based stages make progress without real sleeps. */
function autoAdvance(clock: FakeClock): () => void {
  let running = true
  void (async () => {
    while (running) await clock.advance(5)
  })()
  return () => (running = false)
}

type Case = [name: string, make: (clock: FakeClock, signal?: AbortSignal) => Stage<number, unknown>]

const stages: Case[] = [
  ['map', () => sz.map((x: number) => x + 1)],
  ['map({ concurrency: 4 })', () => sz.map(async (x: number) => x + 1, { concurrency: 4 })],
  ['filter', () => sz.filter((x: number) => x % 2 === 0)],
  ['accumulate', () => sz.accumulate((a: number, b: number) => a + b)],
  [
    'flatten',
    () => (s) =>
      pipe(
        s,
        map((x: number) => [x, x]),
        sz.flatten(),
      ),
  ],
  ['partition', () => sz.partition(2)],
  ['partition({ timeout })', (clock, signal) => sz.partition(2, { timeout: 50, clock, signal })],
  ['partition({ key })', () => sz.partition(2, { key: (x: number) => x % 2 })],
  ['slidingWindow', () => sz.slidingWindow(2)],
  ['buffer', () => sz.buffer(4)],
  ['unique', () => sz.unique()],
  [
    'pluck',
    () => (s) =>
      pipe(
        s,
        map((x: number) => ({ a: x })),
        sz.pluck('a'),
      ),
  ],
  [
    'starmap',
    () => (s) =>
      pipe(
        s,
        map((x: number): [number, number] => [x, x]),
        sz.starmap((a: number, b: number) => a + b),
      ),
  ],
  ['slice', () => sz.slice(1, 1000)],
  ['frequencies', () => sz.frequencies()],
  ['collect', (clock) => sz.collect(sz.periodic(() => 'flush', 10, { clock }))],
  ['delay', (clock, signal) => sz.delay(10, { clock, signal })],
  ['rateLimit', (clock, signal) => sz.rateLimit(10, { clock, signal })],
  ['timedWindow', (clock, signal) => sz.timedWindow(10, { clock, signal })],
]

for (const [name, make] of stages) {
  test(`${name}: break closes the source`, async () => {
    const clock = new FakeClock()
    const stop = autoAdvance(clock)
    const src = endless()
    try {
      for await (const x of pipe(src, make(clock))) {
        assert.notEqual(x, undefined)
        break
      }
    } finally {
      stop()
    }
    assert.equal(src.closed, true)
  })

  test(`${name}: an error downstream closes the source and reaches the caller`, async () => {
    const clock = new FakeClock()
    const stop = autoAdvance(clock)
    const src = endless()
    try {
      await assert.rejects(
        pipe(
          src,
          make(clock),
          sink(() => {
            throw new Error('downstream failed')
          }),
        ),
        /downstream failed/,
      )
    } finally {
      stop()
    }
    assert.equal(src.closed, true)
  })
}

for (const [name, make] of stages.filter(([n]) =>
  ['partition({ timeout })', 'delay', 'rateLimit', 'timedWindow'].includes(n),
)) {
  test(`${name}: an AbortSignal stops the chain with its reason and closes the source`, async () => {
    const clock = new FakeClock()
    const stop = autoAdvance(clock)
    const src = endless()
    const ac = new AbortController()
    let seen = 0
    try {
      await assert.rejects(
        pipe(
          src,
          make(clock, ac.signal),
          sink(() => {
            if (++seen === 2) ac.abort(new Error('aborted by the test'))
          }),
        ),
        /aborted by the test/,
      )
    } finally {
      stop()
    }
    assert.equal(src.closed, true)
  })
}

const joins: [string, (a: AsyncIterable<number>, b: AsyncIterable<number>) => AsyncIterable<unknown>][] = [
  ['merge', (a, b) => sz.merge(a, b)],
  ['zip', (a, b) => sz.zip(a, b)],
  ['combineLatest', (a, b) => sz.combineLatest([a, b])],
  ['zipLatest', (a, b) => sz.zipLatest(a, b)],
]

for (const [name, join] of joins) {
  test(`${name}: break closes every source`, async () => {
    const a = endless()
    const b = endless()
    let n = 0
    for await (const _ of join(a, b)) if (++n === 3) break
    await new Promise((r) => setImmediate(r))
    assert.equal(a.closed, true)
    assert.equal(b.closed, true)
  })

  test(`${name}: an error downstream closes every source`, async () => {
    const a = endless()
    const b = endless()
    await assert.rejects(
      pipe(
        join(a, b),
        sink(() => {
          throw new Error('downstream failed')
        }),
      ),
      /downstream failed/,
    )
    await new Promise((r) => setImmediate(r))
    assert.equal(a.closed, true)
    assert.equal(b.closed, true)
  })
}

test('tee: the source closes once every branch has stopped', async () => {
  const src = endless()
  const [a, b] = sz.tee(src, 2)
  for await (const _ of a) break
  assert.equal(src.closed, false)
  await assert.rejects(
    pipe(
      b,
      sink(() => {
        throw new Error('downstream failed')
      }),
    ),
    /downstream failed/,
  )
  assert.equal(src.closed, true)
})

test('periodic: break and abort stop its timer', async () => {
  const clock = new FakeClock()
  const stop = autoAdvance(clock)
  try {
    for await (const _ of sz.periodic(() => 1, 10, { clock })) break
    const ac = new AbortController()
    let n = 0
    await assert.rejects(
      pipe(
        sz.periodic(() => 1, 10, { clock, signal: ac.signal }),
        sink(() => {
          if (++n === 2) ac.abort(new Error('aborted by the test'))
        }),
      ),
      /aborted by the test/,
    )
  } finally {
    stop()
  }
  await clock.flush()
  assert.equal(clock.pending, 0)
})

/** A source that never answers until it is closed; closing settles the pending next() as done. */
function silent(): Counted {
  const state = {
    closed: false,
    pulled: 0,
    [Symbol.asyncIterator](): AsyncIterator<number> {
      let wake: ((r: IteratorResult<number>) => void) | undefined
      return {
        next() {
          state.pulled++
          return new Promise<IteratorResult<number>>((resolve) => (wake = resolve))
        },
        return() {
          state.closed = true
          wake?.({ value: undefined, done: true })
          return Promise.resolve({ value: undefined, done: true })
        },
      }
    },
  }
  return state
}

// merge and zip call return() on an input while its next() is still pending; a stage must pass
// that on to its own source at once rather than wait for an element that may never come.
for (const [name, make] of [
  ...stages,
  ['timedWindow (no signal)', (clock: FakeClock) => sz.timedWindow(10, { clock })] as Case,
  ['collect (silent flushes)', () => sz.collect(silent())] as Case,
]) {
  test(`${name}: return() during a pending next() closes the source`, async () => {
    const clock = new FakeClock()
    const src = silent()
    const it = pipe(src, make(clock))[Symbol.asyncIterator]()
    let early = false // collect's flushes can answer before the source does
    const pending = it.next().then((r) => ((early = true), r))
    await clock.flush()
    assert.ok(src.pulled >= 1, 'the stage never asked its source')
    const answeredEarly = early
    const guard = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 2000).unref())
    const closing = it.return?.()
    assert.notEqual(await Promise.race([closing, guard]), 'hung', 'return() hung')
    assert.equal(src.closed, true)
    const last = await Promise.race([pending, guard])
    if (!answeredEarly) assert.deepEqual(last, { value: undefined, done: true })
    await clock.flush()
    assert.equal(clock.pending, 0, 'a timer was left behind')
  })
}
