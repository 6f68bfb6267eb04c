import { test } from 'node:test'
import assert from 'node:assert/strict'
import { expectTypeOf } from 'expect-type'
import { pipe, zipLatest, toArray, pushable } from '../../src/index.js'
import { tracked, forever, settle, range, consume, feed } from '../helpers.js'

test('one tuple per lossless element, with the latest of the others (Streamz zip_latest)', async () => {
  const a = pushable<number>()
  const b = pushable<string>()
  const { got, done } = consume(zipLatest(a, b))
  // Streamz 0.6.4: a 1, a 2, b x, a 3, b y, b z, a 4  ->  (1, x), (2, x), (3, x), (4, z)
  await feed([
    [a, 1],
    [a, 2],
    [b, 'x'],
    [a, 3],
    [b, 'y'],
    [b, 'z'],
    [a, 4],
  ])
  a.end()
  await done // the lossless source's end ends the stream
  assert.deepEqual(got, [
    [1, 'x'],
    [2, 'x'],
    [3, 'x'],
    [4, 'z'],
  ])
  assert.equal(b.closed, true)
})

test('lossless elements that came first are all emitted, even when lossless has ended meanwhile', async () => {
  const b = pushable<string>()
  const lossless = tracked([1, 2, 3])
  const { got, done } = consume(zipLatest(lossless, b, [true]))
  await settle()
  // lossless is not read past the element that waits for b
  assert.equal(lossless.state.pulled, 1)
  b.push('x')
  await done
  assert.deepEqual(got, [
    [1, 'x', true],
    [2, 'x', true],
    [3, 'x', true],
  ])
  assert.equal(b.closed, true)
})

test('with no other source, it passes lossless through as 1-tuples', async () => {
  assert.deepEqual(await pipe(zipLatest([1, 2]), toArray()), [[1], [2]])
})

test('empty lossless ends at once; another source ending without a value ends too', async () => {
  const other = forever<number>()
  assert.deepEqual(await pipe(zipLatest([], other), toArray()), [])
  assert.equal(other.state.closed, true)
  const lossless = tracked(range(5))
  assert.deepEqual(await pipe(zipLatest(lossless, []), toArray()), [])
  assert.equal(lossless.state.closed, true)
})

test('nothing is pulled before the first next(); lossless is read one element ahead', async () => {
  const lossless = tracked(range(100))
  const other = tracked(['x'])
  const it = zipLatest(lossless, other)[Symbol.asyncIterator]()
  await settle()
  assert.equal(lossless.state.pulled + other.state.pulled, 0)
  assert.deepEqual(await it.next(), { value: [0, 'x'], done: false })
  await settle(5)
  assert.ok(lossless.state.pulled <= 2, `pulled ${lossless.state.pulled}`)
  await it.return?.()
  assert.equal(lossless.state.closed, true)
})

test('a source error reaches the consumer after the tuples before it, and closes the others', async () => {
  const a = pushable<number>()
  const b = pushable<string>()
  const endless = forever<number>()
  const r = consume(zipLatest(a, b, endless as AsyncIterable<number>))
  b.push('x')
  await settle()
  b.error(new Error('boom'))
  await assert.rejects(r.done, /boom/)
  assert.deepEqual(r.got, [])
  assert.equal(a.closed, true)
  assert.equal(endless.state.closed, true)

  const lossless = tracked([1, 2, 3], { failAt: 2, error: new Error('lossless failed') })
  const r2 = consume(zipLatest(lossless, ['k']))
  await assert.rejects(r2.done, /lossless failed/)
  assert.deepEqual(r2.got, [
    [1, 'k'],
    [2, 'k'],
  ])
})

test('break and a failing consumer close every source', async () => {
  const a = tracked(range(10))
  const b = forever<number>()
  const c = pushable<number>()
  c.push(5)
  for await (const t of zipLatest(a, c, [0])) {
    assert.deepEqual(t, [0, 5, 0])
    break
  }
  assert.equal(a.state.closed, true)
  assert.equal(c.closed, true)
  const d = tracked(range(10))
  const e = pushable<number>()
  e.push(2)
  await assert.rejects(
    (async () => {
      for await (const _ of zipLatest(d, [1], e)) throw new Error('consumer')
    })(),
    /consumer/,
  )
  assert.equal(d.state.closed, true)
  assert.equal(e.closed, true)
  // closing while a next() waits (b never yields) ends that next()
  const it = zipLatest([1], b)[Symbol.asyncIterator]()
  const pending = it.next()
  await settle()
  await it.return?.()
  assert.deepEqual(await pending, { value: undefined, done: true })
  assert.equal(b.state.closed, true)
})

test('no unhandled rejections when sources fail', async () => {
  const seen: unknown[] = []
  const onUnhandled = (e: unknown): void => {
    seen.push(e)
  }
  process.on('unhandledRejection', onUnhandled)
  try {
    const failing = (): AsyncIterable<number> => tracked([1], { failAt: 1 })
    await assert.rejects(pipe(zipLatest(failing(), failing(), failing()), toArray()))
    for await (const _ of zipLatest(failing(), failing())) break
    await settle(5)
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
  assert.deepEqual(seen, [])
})

test('bad arguments throw at construction', () => {
  assert.throws(() => zipLatest(3 as unknown as number[]), {
    name: 'TypeError',
    message: /zipLatest: lossless must be an AsyncIterable or Iterable, got 3/,
  })
  assert.throws(() => zipLatest([1], [2], null as unknown as number[]), {
    name: 'TypeError',
    message: /zipLatest: source 2 must be/,
  })
})

test('types: the tuple is the lossless type, then the others', () => {
  async function* strings(): AsyncGenerator<string> {
    yield 'a'
  }
  expectTypeOf(zipLatest([1], strings(), [true])).toEqualTypeOf<AsyncIterable<[number, string, boolean]>>()
})
