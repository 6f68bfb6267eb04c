import { test } from 'node:test'
import assert from 'node:assert/strict'
import { expectTypeOf } from 'expect-type'
import { pipe, partition, map, toArray, pushable, FakeClock } from '../../src/index.js'
import { tracked, forever, settle, range } from '../helpers.js'

test('partition groups n elements; the partial rest is emitted when the source ends', async () => {
  const out = await pipe(range(10), partition(3), toArray())
  expectTypeOf(out).toEqualTypeOf<number[][]>()
  assert.deepEqual(out, [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]])
  assert.deepEqual(await pipe(range(4), partition(2), toArray()), [
    [0, 1],
    [2, 3],
  ])
  assert.deepEqual(await pipe(range(3), partition(1), toArray()), [[0], [1], [2]])
  const got: number[][] = []
  for await (const p of pipe(
    tracked(range(5)),
    map(async (x) => x),
    partition(2),
  ))
    got.push(p)
  assert.deepEqual(got, [[0, 1], [2, 3], [4]])
})

test('partition by a key function (checked against Streamz 0.6.4)', async () => {
  // python: Stream().partition(2, key=lambda x: x % 3) on range(10) -> (0, 3), (1, 4), (2, 5), (6, 9)
  assert.deepEqual(await pipe(range(10), partition(2, { key: (x: number) => x % 3 }), toArray()), [
    [0, 3],
    [1, 4],
    [2, 5],
    [6, 9],
    // leftovers at the end, oldest partial partition first
    [7],
    [8],
  ])
  assert.deepEqual(await pipe(range(4), partition(2, { key: (x: number) => x % 2 }), toArray()), [
    [0, 2],
    [1, 3],
  ])
  assert.deepEqual(await pipe(range(3), partition(1, { key: (x: number) => x % 2 }), toArray()), [[0], [1], [2]])
})

test('leftovers come out in the order their partitions began', async () => {
  // key a fills and restarts after key b began, so b's partial partition is older
  const xs = ['a1', 'b1', 'a2', 'a3']
  assert.deepEqual(await pipe(xs, partition(2, { key: (s: string) => s[0] }), toArray()), [
    ['a1', 'a2'],
    ['b1'],
    ['a3'],
  ])
})

test('partition by a property name; a missing property is an error', async () => {
  const rows = [
    { k: 'x', v: 0 },
    { k: 'y', v: 1 },
    { k: 'x', v: 2 },
  ]
  assert.deepEqual(await pipe(rows, partition(2, { key: 'k' }), toArray()), [[rows[0], rows[2]], [rows[1]]])
  await assert.rejects(pipe([{ k: 1 }, {}] as { k?: number }[], partition(2, { key: 'k' }), toArray()), {
    name: 'RangeError',
    message: 'partition: element has no key "k"',
  })
})

test('partition on an empty source', async () => {
  assert.deepEqual(await pipe(tracked<number>([]), partition(3), toArray()), [])
  assert.deepEqual(await pipe(tracked<number>([]), partition(3, { key: (x: number) => x }), toArray()), [])
  const clock = new FakeClock()
  assert.deepEqual(await pipe(tracked<number>([]), partition(3, { timeout: 100, clock }), toArray()), [])
})

test('a source error arrives after the full partitions; the partial one is dropped', async () => {
  for (const [options, want] of [
    [
      {},
      [
        [0, 1],
        [2, 3],
      ],
    ],
    [
      { key: (x: number) => x % 2 },
      [
        [0, 2],
        [1, 3],
      ],
    ],
    [
      { timeout: 1000, clock: new FakeClock() },
      [
        [0, 1],
        [2, 3],
      ],
    ],
  ] as const) {
    const src = tracked(range(10), { failAt: 5 })
    const got: number[][] = []
    await assert.rejects(
      (async () => {
        for await (const p of pipe(src, partition(2, options))) got.push(p)
      })(),
      /source failed/,
    )
    assert.deepEqual(got, want)
  }
})

test('an error from key reaches the consumer and closes the source', async () => {
  for (const timeout of [undefined, 1000]) {
    const src = tracked(range(10))
    const key = (x: number): number => {
      if (x === 3) throw new Error('bad key')
      return x % 2
    }
    const got: number[][] = []
    await assert.rejects(
      (async () => {
        for await (const p of pipe(src, partition(2, { key, timeout, clock: new FakeClock() }))) got.push(p)
      })(),
      /bad key/,
    )
    assert.deepEqual(got, [[0, 2]])
    assert.equal(src.state.closed, true)
  }
})

test('partition is lazy and break closes the source', async () => {
  for (const options of [{}, { key: (x: number) => x % 2 }]) {
    const src = tracked(range(10))
    const out = pipe(src, partition(2, options))
    assert.equal(src.state.pulled, 0)
    for await (const p of out) {
      assert.equal(p.length, 2)
      break
    }
    assert.equal(src.state.closed, true)
  }
})

test('timeout: a partial partition is emitted once timeout has passed since its first element', async () => {
  const clock = new FakeClock()
  const src = pushable<number>()
  const out = pipe(src, partition(5, { timeout: '1s', clock }))
  const it = out[Symbol.asyncIterator]()
  await settle()
  assert.equal(clock.pending, 0)
  const first = it.next()
  void src.push(0)
  void src.push(1)
  void src.push(2)
  await clock.advance(999)
  let got: IteratorResult<number[]> | undefined
  void first.then((r) => (got = r))
  await settle()
  assert.equal(got, undefined)
  await clock.advance(1)
  assert.deepEqual(got, { done: false, value: [0, 1, 2] })
  assert.equal(clock.pending, 0) // no partition pending, no timer
  // the next partition times out 1 s after ITS first element
  const second = it.next()
  await clock.advance(500)
  void src.push(3)
  await clock.advance(999)
  got = undefined
  void second.then((r) => (got = r))
  await settle()
  assert.equal(got, undefined)
  await clock.advance(1)
  assert.deepEqual(got, { done: false, value: [3] })
  // a full partition goes out at once and its timer is cancelled
  const third = it.next()
  for (const x of [4, 5, 6, 7, 8]) void src.push(x)
  assert.deepEqual(await third, { done: false, value: [4, 5, 6, 7, 8] })
  await settle()
  assert.equal(clock.pending, 0)
  src.end()
  assert.deepEqual(await it.next(), { done: true, value: undefined })
})

test('timeout with key: one timer per partition, as in Streamz 0.6.4', async () => {
  // python, partition(3, timeout=0.2, key=lambda x: x % 2):
  //   t=0: 0; t=0.1: 1, 2; t=0.25: 4; t=0.35: 6, 8, 10
  //   -> (0, 2) at 0.2, (1,) at 0.3, (4, 6, 8) at 0.35, (10,) at 0.55
  const clock = new FakeClock()
  const src = pushable<number>()
  const seen: [number, number[]][] = []
  const done = (async () => {
    for await (const p of pipe(src, partition(3, { timeout: 200, key: (x: number) => x % 2, clock })))
      seen.push([clock.now(), p])
  })()
  void src.push(0)
  await clock.advance(100)
  void src.push(1)
  void src.push(2)
  await clock.advance(150)
  void src.push(4)
  await clock.advance(100)
  for (const x of [6, 8, 10]) void src.push(x)
  await clock.advance(300)
  assert.deepEqual(seen, [
    [200, [0, 2]],
    [300, [1]],
    [350, [4, 6, 8]],
    [550, [10]],
  ])
  src.end()
  await done
  assert.equal(clock.pending, 0)
})

test('timeout: leftovers are emitted at the end without waiting', async () => {
  const clock = new FakeClock()
  const out = await pipe(range(7), partition(3, { timeout: 60_000, clock, key: (x: number) => x % 2 }), toArray())
  assert.deepEqual(out, [[0, 2, 4], [1, 3, 5], [6]])
  assert.equal(clock.pending, 0)
})

test('timeout: break cancels the timer and closes the source, even with a pull in flight', async () => {
  const clock = new FakeClock()
  const src = pushable<number>()
  const it = pipe(src, partition(3, { timeout: 100, clock }))[Symbol.asyncIterator]()
  const first = it.next()
  void src.push(1)
  await settle()
  assert.equal(clock.pending, 1)
  await clock.advance(100)
  assert.deepEqual(await first, { done: false, value: [1] })
  void src.push(2)
  await settle()
  await it.return?.()
  assert.equal(clock.pending, 0)
  assert.equal(src.closed, true)
})

test('signal: aborting rejects the consumer with the reason and cancels the timer', async () => {
  for (const timeout of [undefined, 100]) {
    const clock = new FakeClock()
    const ac = new AbortController()
    const src = forever<number>()
    const it = pipe(src, partition(2, { timeout, clock, signal: ac.signal }))[Symbol.asyncIterator]()
    const p = it.next()
    await settle()
    ac.abort(new Error('stop'))
    await assert.rejects(p, /stop/)
    await settle()
    assert.equal(src.state.closed, true)
    assert.equal(clock.pending, 0)
  }
  const ac = new AbortController()
  const clock = new FakeClock()
  const src = pushable<number>()
  const it = pipe(src, partition(5, { timeout: 100, clock, signal: ac.signal }))[Symbol.asyncIterator]()
  const p = it.next()
  void src.push(1)
  await settle()
  assert.equal(clock.pending, 1)
  ac.abort(new Error('stop'))
  await assert.rejects(p, /stop/)
  await settle()
  assert.equal(clock.pending, 0)
})

test('partition checks its arguments at construction', () => {
  assert.throws(() => partition(0), { name: 'RangeError', message: 'partition: n must be a positive integer, got 0' })
  assert.throws(() => partition(2.5), RangeError)
  assert.throws(() => partition('3' as never), TypeError)
  assert.throws(() => partition(2, { timeout: -1 }), { name: 'RangeError', message: /partition: timeout/ })
  assert.throws(() => partition(2, { timeout: 'soon' }), /partition: timeout must be a duration/)
  assert.throws(() => partition(2, { key: null as never }), TypeError)
  assert.throws(() => partition(2, { key: {} as never }), /partition: key must be a function or a property name/)
  assert.throws(() => partition(2, { signal: 'x' as never }), /partition: signal must be an AbortSignal/)
  assert.throws(() => partition(2, 5 as never), TypeError)
})
