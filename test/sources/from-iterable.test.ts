import { test } from 'node:test'
import assert from 'node:assert/strict'
import { expectTypeOf } from 'expect-type'
import { pipe, fromIterable, map, toArray, sink } from '../../src/index.js'
import { tracked, forever, settle } from '../helpers.js'

/** A sync generator that records how far it ran and whether it was closed. */
function counting(n: number): { gen: Generator<number>; state: { pulled: number; closed: boolean } } {
  const state = { pulled: 0, closed: false }
  function* g(): Generator<number> {
    try {
      for (let i = 1; i <= n; i++) {
        state.pulled++
        yield i
      }
    } finally {
      state.closed = true
    }
  }
  return { gen: g(), state }
}

test('fromIterable reads arrays, Sets, strings, generators and async iterables', async () => {
  const out = fromIterable([1, 2, 3])
  expectTypeOf(out).toEqualTypeOf<AsyncIterable<number>>()
  assert.deepEqual(await toArray<number>()(out), [1, 2, 3])
  assert.deepEqual(await pipe(fromIterable(new Set(['a', 'b'])), toArray()), ['a', 'b'])
  assert.deepEqual(await pipe(fromIterable('hé'), toArray()), ['h', 'é'])
  assert.deepEqual(
    await pipe(
      fromIterable(counting(3).gen),
      map((x) => x * 2),
      toArray(),
    ),
    [2, 4, 6],
  )
  assert.deepEqual(await pipe(fromIterable(tracked([1, 2])), toArray()), [1, 2])
  async function* agen(): AsyncGenerator<string> {
    yield 'x'
    await settle(1)
    yield 'y'
  }
  const got: string[] = []
  for await (const x of fromIterable(agen())) got.push(x)
  assert.deepEqual(got, ['x', 'y'])
  // with a signal that never aborts, the same
  const signal = new AbortController().signal
  assert.deepEqual(await pipe(fromIterable([1, 2], { signal }), toArray()), [1, 2])
  assert.deepEqual(await pipe(fromIterable(tracked([1, 2]), { signal }), toArray()), [1, 2])
})

test('an array source can be read twice; empty sources end at once', async () => {
  const src = fromIterable([1, 2])
  assert.deepEqual(await toArray<number>()(src), [1, 2])
  assert.deepEqual(await toArray<number>()(src), [1, 2])
  const it = fromIterable([])[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: undefined, done: true })
  assert.deepEqual(await pipe(fromIterable(tracked([])), toArray()), [])
})

test('fromIterable is lazy: nothing is read before the first next()', async () => {
  const c = counting(3)
  const it = fromIterable(c.gen)[Symbol.asyncIterator]()
  await settle()
  assert.deepEqual(c.state, { pulled: 0, closed: false })
  assert.deepEqual(await it.next(), { value: 1, done: false })
  assert.equal(c.state.pulled, 1)

  const src = tracked([1, 2])
  const ait = fromIterable(src, { signal: new AbortController().signal })[Symbol.asyncIterator]()
  await settle()
  assert.equal(src.state.pulled, 0)
  assert.deepEqual(await ait.next(), { value: 1, done: false })
  assert.equal(src.state.pulled, 1)
})

test('errors from the iterable arrive after the earlier values', async () => {
  function* failing(): Generator<number> {
    yield 1
    throw new Error('generator broke')
  }
  const got: number[] = []
  await assert.rejects(async () => {
    for await (const x of fromIterable(failing())) got.push(x)
  }, /generator broke/)
  assert.deepEqual(got, [1])
  await assert.rejects(
    pipe(fromIterable(tracked([1, 2], { failAt: 1, error: new Error('async broke') })), toArray()),
    /async broke/,
  )
})

test('break closes the iterable, sync or async, with or without a signal', async () => {
  for (const signal of [undefined, new AbortController().signal]) {
    const c = counting(5)
    for await (const x of fromIterable(c.gen, { signal })) if (x === 2) break
    assert.deepEqual(c.state, { pulled: 2, closed: true })

    const src = tracked([1, 2, 3])
    for await (const x of fromIterable(src, { signal })) if (x === 1) break
    assert.deepEqual(src.state, { pulled: 1, closed: true })
  }
  // an error downstream closes it too
  const c = counting(5)
  await assert.rejects(
    pipe(
      fromIterable(c.gen),
      sink((x) => {
        if (x === 3) throw new Error('downstream failed')
      }),
    ),
    /downstream failed/,
  )
  assert.deepEqual(c.state, { pulled: 3, closed: true })
})

test('abort on a sync iterable rejects with signal.reason and closes it', async () => {
  const ac = new AbortController()
  const c = counting(5)
  const it = fromIterable(c.gen, { signal: ac.signal })[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: 1, done: false })
  const reason = new Error('stopped by the user')
  ac.abort(reason)
  await assert.rejects(it.next(), (e) => e === reason)
  assert.equal(c.state.closed, true)
  assert.equal(c.state.pulled, 2) // the element read when the abort was seen is not delivered
  // later calls end
  assert.equal((await it.next()).done, true)
})

test('abort while a sink drives a sync iterable rejects the sink with signal.reason', async () => {
  const ac = new AbortController()
  const c = counting(100)
  const seen: number[] = []
  await assert.rejects(
    pipe(
      fromIterable(c.gen, { signal: ac.signal }),
      sink(async (x) => {
        seen.push(x)
        if (x === 3) ac.abort(new Error('abort at 3'))
        await settle(1)
      }),
    ),
    /abort at 3/,
  )
  assert.deepEqual(seen, [1, 2, 3])
  assert.equal(c.state.closed, true)
})

test('abort on an async iterable rejects the pending next() with signal.reason and closes it', async () => {
  const ac = new AbortController()
  const stuck = forever<number>()
  const it = fromIterable(stuck, { signal: ac.signal })[Symbol.asyncIterator]()
  const pending = it.next()
  await settle()
  assert.equal(stuck.state.pulled, 1)
  const reason = new Error('user stopped')
  ac.abort(reason)
  await assert.rejects(pending, (e) => e === reason)
  assert.equal(stuck.state.closed, true)
  await assert.rejects(it.next(), (e) => e === reason)

  // between two next() calls, and through pipe + toArray
  const ac2 = new AbortController()
  const src = tracked([1, 2, 3])
  const it2 = fromIterable(src, { signal: ac2.signal })[Symbol.asyncIterator]()
  assert.deepEqual(await it2.next(), { value: 1, done: false })
  ac2.abort()
  await assert.rejects(it2.next(), { name: 'AbortError' })
  assert.equal(src.state.closed, true)
})

test('an already aborted signal rejects the first next() with its reason', async () => {
  const reason = new Error('too late')
  const signal = AbortSignal.abort(reason)
  const c = counting(3)
  await assert.rejects(pipe(fromIterable(c.gen, { signal }), toArray()), (e) => e === reason)
  assert.equal(c.state.closed, true)
  const src = tracked([1, 2])
  await assert.rejects(pipe(fromIterable(src, { signal }), toArray()), (e) => e === reason)
  assert.equal(src.state.pulled, 0)
})

test('bad arguments throw at construction', () => {
  assert.throws(() => fromIterable(42 as unknown as number[]), {
    name: 'TypeError',
    message: 'fromIterable: iterable must be an AsyncIterable or Iterable, got 42',
  })
  assert.throws(() => fromIterable(null as unknown as number[]), { name: 'TypeError', message: /iterable.*got null/ })
  assert.throws(() => fromIterable({} as unknown as number[]), { name: 'TypeError', message: /got \[object Object\]/ })
  assert.throws(() => fromIterable([1], 'x' as unknown as { signal?: AbortSignal }), {
    name: 'TypeError',
    message: 'fromIterable: options must be an options object, got "x"',
  })
  assert.throws(() => fromIterable([1], { signal: {} as AbortSignal }), {
    name: 'TypeError',
    message: 'fromIterable: signal must be an AbortSignal, got [object Object]',
  })
})

// Known src bug (reported, not fixed here): the sync path checks the signal only in `push`, not
// in `end`, so an abort is missed when no element is left: an empty array with an aborted signal
// ends normally, and an abort after the last element makes next() resolve done. The async path
// (abortable) rejects with signal.reason in both cases. Fix: `end() { signal.throwIfAborted(); return down.end() }`.
test('abort is reported even when the sync iterable has nothing left', async () => {
  const reason = new Error('aborted')
  await assert.rejects(pipe(fromIterable([], { signal: AbortSignal.abort(reason) }), toArray()), (e) => e === reason)
  const ac = new AbortController()
  const it = fromIterable([1], { signal: ac.signal })[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: 1, done: false })
  ac.abort(reason)
  await assert.rejects(it.next(), (e) => e === reason)
})
