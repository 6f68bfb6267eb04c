import { test } from 'node:test'
import assert from 'node:assert/strict'
import { expectTypeOf } from 'expect-type'
import { pipe, collect, toArray, pushable } from '../../src/index.js'
import { tracked, forever, settle } from '../helpers.js'

async function take<T>(it: AsyncIterator<T>): Promise<IteratorResult<T>> {
  return it.next()
}

test('each flush emits what was collected, [] when nothing was (checked against Streamz 0.6.4)', async () => {
  // python: f.emit(1); s.emit(1); s.emit(2); f.emit(1); f.emit(1) -> (), (1, 2), ()
  const src = pushable<number>()
  const flushes = pushable<string>()
  const out = pipe(src, collect(flushes))
  expectTypeOf(out).toEqualTypeOf<AsyncIterable<number[]>>()
  const it = out[Symbol.asyncIterator]()
  const a = take(it)
  await settle()
  flushes.push('tick')
  assert.deepEqual(await a, { done: false, value: [] })
  const b = take(it)
  src.push(1)
  src.push(2)
  await settle()
  flushes.push('tick')
  assert.deepEqual(await b, { done: false, value: [1, 2] })
  const c = take(it)
  flushes.push('tick')
  assert.deepEqual(await c, { done: false, value: [] })
  await it.return?.()
  assert.equal(src.closed, true)
  assert.equal(flushes.closed, true)
})

test('when the source ends, what is held goes out at the next flush, then the output ends', async () => {
  const src = pushable<number>()
  const flushes = pushable<number>()
  const it = pipe(src, collect(flushes))[Symbol.asyncIterator]()
  const a = take(it)
  src.push(1)
  src.end()
  await settle()
  let got: IteratorResult<number[]> | undefined
  void a.then((r) => (got = r))
  await settle()
  assert.equal(got, undefined) // only a flush emits
  flushes.push(0)
  assert.deepEqual(await a, { done: false, value: [1] })
  assert.deepEqual(await it.next(), { done: true, value: undefined })
  assert.equal(flushes.closed, true)
})

test('when the source ends with nothing held, the output ends at once', async () => {
  const f = forever<number>()
  assert.deepEqual(await pipe(tracked<number>([]), collect(f), toArray()), [])
  assert.equal(f.state.closed, true)
})

test('when the flushes end, the output ends and the source is closed; unflushed elements are dropped', async () => {
  const src = pushable<number>()
  const flushes = pushable<number>()
  const it = pipe(src, collect(flushes))[Symbol.asyncIterator]()
  const a = take(it)
  src.push(1)
  await settle()
  flushes.push(0)
  assert.deepEqual(await a, { done: false, value: [1] })
  const b = take(it)
  src.push(2)
  await settle()
  flushes.end()
  assert.deepEqual(await b, { done: true, value: undefined })
  assert.equal(src.closed, true)
  // a sync flush iterable works too: two flushes, then it has ended
  const s = forever<number>()
  assert.deepEqual(await pipe(s, collect([1, 2]), toArray()), [[], []])
  assert.equal(s.state.closed, true)
})

test('a source error reaches the consumer after earlier arrays and closes the flushes', async () => {
  const src = pushable<number>()
  const flushes = pushable<number>()
  const it = pipe(src, collect(flushes))[Symbol.asyncIterator]()
  const a = take(it)
  src.push(1)
  await settle()
  flushes.push(0)
  assert.deepEqual(await a, { done: false, value: [1] })
  const b = take(it)
  src.error(new Error('source failed'))
  await assert.rejects(b, /source failed/)
  await settle()
  assert.equal(flushes.closed, true)
  const t = tracked([1, 2, 3], { failAt: 2 })
  const f = forever<number>()
  await assert.rejects(pipe(t, collect(f), toArray()), /source failed/)
  assert.equal(f.state.closed, true)
})

test('a flushes error reaches the consumer and closes the source', async () => {
  const src = forever<number>()
  const flushes = tracked([1, 2], { failAt: 1, error: new Error('flush failed') })
  const got: number[][] = []
  await assert.rejects(
    (async () => {
      for await (const batch of pipe(src, collect(flushes))) got.push(batch)
    })(),
    /flush failed/,
  )
  assert.deepEqual(got, [[]])
  assert.equal(src.state.closed, true)
  // a flushes iterable whose [Symbol.asyncIterator]() throws
  const bad = {
    [Symbol.asyncIterator]: () => {
      throw new Error('cannot open')
    },
  } as AsyncIterable<number>
  const s2 = forever<number>()
  await assert.rejects(pipe(s2, collect(bad), toArray()), /cannot open/)
  assert.equal(s2.state.closed, true)
})

test('collect is lazy and break closes both iterables', async () => {
  const src = tracked([1, 2, 3])
  const flushes = tracked(['a', 'b', 'c'])
  const out = pipe(src, collect(flushes))
  await settle()
  assert.equal(src.state.pulled, 0)
  assert.equal(flushes.state.pulled, 0)
  for await (const batch of out) {
    assert.ok(Array.isArray(batch))
    break
  }
  assert.equal(src.state.closed, true)
  assert.equal(flushes.state.closed, true)
})

test('collect checks flushes at construction', () => {
  assert.throws(() => collect(5 as never), {
    name: 'TypeError',
    message: 'collect: flushes must be an AsyncIterable or Iterable, got 5',
  })
  assert.throws(() => collect(undefined as never), TypeError)
})
