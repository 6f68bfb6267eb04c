import { test } from 'node:test'
import assert from 'node:assert/strict'
import { expectTypeOf } from 'expect-type'
import { pipe, combineLatest, toArray, pushable } from '../../src/index.js'
import { tracked, forever, settle, range, consume, feed } from '../helpers.js'

test('emits the latest of every source once all have a value (Streamz combine_latest)', async () => {
  const a = pushable<number>()
  const b = pushable<string>()
  const { got, done } = consume(combineLatest([a, b]))
  // Streamz 0.6.4: a 1, a 2, b x, a 3, b y  ->  (2, x), (3, x), (3, y)
  await feed([
    [a, 1],
    [a, 2],
    [b, 'x'],
    [a, 3],
    [b, 'y'],
  ])
  a.end()
  b.end()
  await done
  assert.deepEqual(got, [
    [2, 'x'],
    [3, 'x'],
    [3, 'y'],
  ])
})

test('emitOn: only those sources trigger an emit; the others update the latest values', async () => {
  const a = pushable<number>()
  const b = pushable<string>()
  const { got, done } = consume(combineLatest([a, b], { emitOn: 0 }))
  // Streamz 0.6.4: a 1, b x, a 2, b y, b z, a 3 with emit_on=a  ->  (2, x), (3, z)
  await feed([
    [a, 1],
    [b, 'x'],
    [a, 2],
    [b, 'y'],
    [b, 'z'],
    [a, 3],
  ])
  a.end()
  await done // a was the only trigger: its end ends the stream
  assert.deepEqual(got, [
    [2, 'x'],
    [3, 'z'],
  ])
  assert.equal(b.closed, true)
})

test('emitOn as an array of indexes', async () => {
  const a = pushable<number>()
  const b = pushable<number>()
  const c = pushable<number>()
  const { got, done } = consume(combineLatest([a, b, c], { emitOn: [0, 2] }))
  await feed([
    [a, 1],
    [b, 2],
    [c, 3],
    [b, 4],
    [a, 5],
    [c, 6],
  ])
  a.end()
  b.end()
  c.end()
  await done
  assert.deepEqual(got, [
    [1, 2, 3],
    [5, 4, 3],
    [5, 4, 6],
  ])
})

test('ends when every source has ended; sync and async sources mix', async () => {
  const out = await pipe(combineLatest([[1], tracked(['a'])]), toArray())
  assert.deepEqual(out, [[1, 'a']])
  const again = await pipe(combineLatest([tracked([1]), tracked([2])]), toArray())
  assert.deepEqual(again, [[1, 2]])
})

test('a source that ends without a value ends the stream at once and closes the others', async () => {
  const other = forever<number>()
  const { got, done } = consume(combineLatest([tracked<number>([]), other]))
  await done
  assert.deepEqual(got, [])
  assert.equal(other.state.closed, true)
  assert.deepEqual(await pipe(combineLatest([]), toArray()), [])
})

test('tuples already made are delivered before the end', async () => {
  const a = pushable<number>()
  const b = pushable<number>()
  const it = combineLatest([a, b], { emitOn: 1 })[Symbol.asyncIterator]()
  const first = it.next()
  a.push(1)
  b.push(10)
  assert.deepEqual(await first, { value: [1, 10], done: false })
  b.push(20) // emitted while nobody asks: kept
  b.end()
  await settle()
  assert.deepEqual(await it.next(), { value: [1, 20], done: false })
  assert.deepEqual(await it.next(), { value: undefined, done: true })
  assert.equal(a.closed, true)
})

test('each source is read at most one element ahead of what has been used', async () => {
  const a = tracked(range(100))
  const b = tracked(range(100))
  const it = combineLatest([a, b])[Symbol.asyncIterator]()
  await settle()
  assert.equal(a.state.pulled + b.state.pulled, 0) // lazy
  const r = await it.next()
  assert.equal(r.done, false)
  await settle(5)
  // both are triggers: once each has emitted a tuple nobody took, both wait
  assert.ok(a.state.pulled <= 3 && b.state.pulled <= 3, `pulled ${a.state.pulled}, ${b.state.pulled}`)
  await it.return?.()
  assert.equal(a.state.closed, true)
  assert.equal(b.state.closed, true)
})

test('a source error reaches the consumer after the tuples before it, and closes the others', async () => {
  const a = pushable<number>()
  const other = forever<number>()
  const bad = tracked([5], { failAt: 1, error: new Error('boom') })
  const { got, done } = consume(combineLatest([a, bad, other as AsyncIterable<number>], { emitOn: 0 }))
  await assert.rejects(done, /boom/)
  assert.deepEqual(got, [])
  assert.equal(a.closed, true)
  assert.equal(other.state.closed, true)

  const c = pushable<number>()
  const d = pushable<number>()
  const r = consume(combineLatest([c, d]))
  await feed([
    [c, 1],
    [d, 2],
  ])
  c.error(new Error('later'))
  await assert.rejects(r.done, /later/)
  assert.deepEqual(r.got, [[1, 2]])
  assert.equal(d.closed, true)
})

test('break and a failing consumer close every source', async () => {
  const a = tracked(range(10))
  const b = forever<number>()
  const c = pushable<number>()
  c.push(1)
  const it = combineLatest([a, c])[Symbol.asyncIterator]()
  assert.equal((await it.next()).done, false)
  for await (const _ of { [Symbol.asyncIterator]: () => it }) break
  assert.equal(a.state.closed, true)
  assert.equal(c.closed, true)
  const d = tracked(range(10))
  await assert.rejects(
    (async () => {
      for await (const _ of combineLatest([d, [1]])) throw new Error('consumer')
    })(),
    /consumer/,
  )
  assert.equal(d.state.closed, true)
  // closing while a next() waits ends that next()
  const e = pushable<number>()
  const it2 = combineLatest([e, b])[Symbol.asyncIterator]()
  const pending = it2.next()
  await settle()
  await it2.return?.()
  assert.deepEqual(await pending, { value: undefined, done: true })
  assert.equal(b.state.closed, true)
  assert.equal(e.closed, true)
})

test('no unhandled rejections when sources fail', async () => {
  const seen: unknown[] = []
  const onUnhandled = (e: unknown): void => {
    seen.push(e)
  }
  process.on('unhandledRejection', onUnhandled)
  try {
    const failing = (): AsyncIterable<number> => tracked([1], { failAt: 1 })
    await assert.rejects(pipe(combineLatest([failing(), failing(), failing()]), toArray()))
    for await (const _ of combineLatest([failing(), failing()])) break
    await settle(5)
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
  assert.deepEqual(seen, [])
})

test('bad arguments throw at construction', () => {
  const bad = (f: () => unknown, type: typeof TypeError | typeof RangeError, message: RegExp): void => {
    assert.throws(f, (e: unknown) => e instanceof type && message.test(e.message))
  }
  bad(
    () => combineLatest([1] as unknown as [number[]]),
    TypeError,
    /combineLatest: sources\[0\] must be an AsyncIterable or Iterable, got 1/,
  )
  bad(
    () => combineLatest('ab' as unknown as [string[]]),
    TypeError,
    /combineLatest: sources must be an array of iterables, got "ab"/,
  )
  bad(
    () => combineLatest([[1], [2]], { emitOn: 2 }),
    RangeError,
    /emitOn must hold indexes of sources \(0 to 1\), got 2/,
  )
  bad(() => combineLatest([[1], [2]], { emitOn: [0, 1.5] }), RangeError, /got 1.5/)
  bad(() => combineLatest([[1], [2]], { emitOn: [] }), RangeError, /emitOn must name at least one source/)
  bad(() => combineLatest([[1]], null as unknown as object), TypeError, /options must be an options object/)
})

test('types: the tuple is typed from the sources', () => {
  async function* strings(): AsyncGenerator<string> {
    yield 'a'
  }
  expectTypeOf(combineLatest([[1], strings()])).toEqualTypeOf<AsyncIterable<[number, string]>>()
})
