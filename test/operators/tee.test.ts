import { test } from 'node:test'
import assert from 'node:assert/strict'
import { expectTypeOf } from 'expect-type'
import { pipe, tee, zip, map, toArray, fromIterable, pushable } from '../../src/index.js'
import { tracked, settle, range } from '../helpers.js'

async function collect<T>(src: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of src) out.push(x)
  return out
}

async function* gen(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i
}

const sources = {
  array: () => range(200),
  'async generator': () => gen(200),
  fromIterable: () => fromIterable(range(200)),
  'fused flow': () =>
    pipe(
      range(200),
      map((x) => x),
    ),
  'async fused flow': () =>
    pipe(
      gen(200),
      map(async (x) => x),
    ),
}

for (const [kind, make] of Object.entries(sources)) {
  test(`${kind}: every branch sees every element, read concurrently`, async () => {
    const [a, b, c] = tee(make(), 3)
    const [x, y, z] = await Promise.all([collect(a), collect(b), collect(c)])
    assert.deepEqual(x, range(200))
    assert.deepEqual(y, range(200))
    assert.deepEqual(z, range(200))
  })

  test(`${kind}: branches read one after the other within highWaterMark`, async () => {
    const [a, b] = tee(make(), 2, { highWaterMark: Infinity })
    assert.deepEqual(await collect(a), range(200))
    assert.deepEqual(await collect(b), range(200))
  })
}

test('one branch, and an empty source', async () => {
  const [only] = tee([1, 2], 1)
  assert.deepEqual(await collect(only as AsyncIterable<number>), [1, 2])
  const [a, b] = tee(tracked<number>([]), 2)
  assert.deepEqual(await collect(a), [])
  assert.deepEqual(await collect(b), [])
  assert.deepEqual(await a[Symbol.asyncIterator]().next(), { value: undefined, done: true })
})

test('a source error reaches every branch at its position, after the elements before it', async () => {
  const src = tracked([1, 2, 3], { failAt: 2, error: new Error('boom') })
  const [a, b] = tee(src, 2)
  const got: number[][] = [[], []]
  const read = async (br: AsyncIterable<number>, k: number): Promise<void> => {
    for await (const x of br) (got[k] as number[]).push(x)
  }
  await assert.rejects(read(a, 0), /boom/)
  await assert.rejects(read(b, 1), /boom/)
  assert.deepEqual(got, [
    [1, 2],
    [1, 2],
  ])
  // after the error, a branch is over
  assert.deepEqual(await a[Symbol.asyncIterator]().next(), { value: undefined, done: true })
})

test('a sync source that throws reaches every branch too', async () => {
  function* bad(): Generator<number> {
    yield 1
    throw new Error('sync boom')
  }
  const [a, b] = tee(bad(), 2)
  await assert.rejects(collect(a), /sync boom/)
  await assert.rejects(collect(b), /sync boom/)
})

test('lazy: nothing is pulled before a branch asks, and only what the fastest branch asked for', async () => {
  const src = tracked(range(10))
  const [a, b] = tee(src, 2)
  await settle()
  assert.equal(src.state.pulled, 0)
  const ia = a[Symbol.asyncIterator]()
  const ib = b[Symbol.asyncIterator]()
  assert.deepEqual(await ia.next(), { value: 0, done: false })
  assert.equal(src.state.pulled, 1)
  assert.deepEqual(await ib.next(), { value: 0, done: false })
  assert.equal(src.state.pulled, 1) // b got it from the buffer
  assert.deepEqual(await ib.next(), { value: 1, done: false })
  assert.equal(src.state.pulled, 2)
})

test('a branch highWaterMark elements ahead waits until the slow branch catches up', async () => {
  const src = tracked(range(10))
  const [a, b] = tee(src, 2, { highWaterMark: 2 })
  const ia = a[Symbol.asyncIterator]()
  const ib = b[Symbol.asyncIterator]()
  assert.equal((await ia.next()).value, 0)
  assert.equal((await ia.next()).value, 1)
  let third: IteratorResult<number> | undefined
  void ia.next().then((r) => (third = r))
  await settle()
  assert.equal(third, undefined) // held back: b is 2 behind
  assert.equal(src.state.pulled, 2)
  assert.equal((await ib.next()).value, 0)
  await settle()
  assert.deepEqual(third, { value: 2, done: false })
  assert.equal(src.state.pulled, 3)
})

test('a sync source is held back by the slow branch the same way', async () => {
  let pulled = 0
  function* counting(): Generator<number> {
    for (let i = 0; i < 100; i++) {
      pulled++
      yield i
    }
  }
  const [a, b] = tee(counting(), 2, { highWaterMark: 3 })
  const ia = a[Symbol.asyncIterator]()
  for (let i = 0; i < 3; i++) assert.equal((await ia.next()).value, i)
  let fourth: IteratorResult<number> | undefined
  void ia.next().then((r) => (fourth = r))
  await settle()
  assert.equal(fourth, undefined)
  assert.equal(pulled, 3)
  await b[Symbol.asyncIterator]().next()
  await settle()
  assert.deepEqual(fourth, { value: 3, done: false })
})

test('bound: with one branch pausing every 100 items, the fast branch stays at most highWaterMark ahead', async () => {
  const N = 200_000
  const hwm = 64
  const [fast, slow] = tee(range(N), 2, { highWaterMark: hwm })
  let fastCount = 0
  let slowCount = 0
  let maxLead = 0
  let paused: (() => void) | undefined
  const fastRun = (async () => {
    for await (const _ of fast) {
      fastCount++
      maxLead = Math.max(maxLead, fastCount - slowCount)
    }
  })()
  // the slow branch stops every 100 items until the test opens its gate
  const slowRun = (async () => {
    for await (const _ of slow) {
      slowCount++
      if (slowCount % 100 === 0) await new Promise<void>((resolve) => (paused = resolve))
    }
  })()
  while (slowCount < N) {
    await settle(1) // the fast branch runs until it is held back
    const open = paused
    paused = undefined
    open?.()
  }
  await Promise.all([fastRun, slowRun])
  assert.equal(fastCount, N)
  assert.equal(slowCount, N)
  // The slow branch is held to at most hwm elements behind what it has taken; its own
  // count trails by the element it has been handed but not yet counted (one await).
  assert.ok(maxLead >= hwm && maxLead <= hwm + 1, `lead ${maxLead}`)
})

test('closing one branch lets the others go on; closing all closes the source', async () => {
  const src = tracked(range(10))
  const [a, b] = tee(src, 2, { highWaterMark: 1 })
  for await (const x of a) {
    assert.equal(x, 0)
    break
  }
  assert.equal(src.state.closed, false)
  // a no longer holds b back, even with highWaterMark 1
  const ib = b[Symbol.asyncIterator]()
  for (let i = 0; i < 5; i++) assert.equal((await ib.next()).value, i)
  await ib.return?.()
  assert.equal(src.state.closed, true)
  assert.deepEqual(await ib.next(), { value: undefined, done: true })
})

test('closing the slow branch releases a waiting fast branch', async () => {
  const src = tracked(range(10))
  const [a, b] = tee(src, 2, { highWaterMark: 1 })
  const ia = a[Symbol.asyncIterator]()
  assert.equal((await ia.next()).value, 0)
  const pending = ia.next()
  await settle()
  await b[Symbol.asyncIterator]().return?.()
  assert.deepEqual(await pending, { value: 1, done: false })
})

test('return() while a next() is pending ends that next()', async () => {
  const src = pushable<number>()
  const [a] = tee(src, 2)
  const ia = a[Symbol.asyncIterator]()
  const pending = ia.next()
  await ia.return?.()
  assert.deepEqual(await pending, { value: undefined, done: true })
})

test('concurrent next() calls on one branch are answered in order', async () => {
  const [a, b] = tee(gen(5), 2)
  const ia = a[Symbol.asyncIterator]()
  const rs = await Promise.all([ia.next(), ia.next(), ia.next()])
  assert.deepEqual(
    rs.map((r) => r.value as number),
    [0, 1, 2],
  )
  assert.deepEqual(await collect(b), [0, 1, 2, 3, 4])
})

test('a branch is its own iterator, so it is read once', async () => {
  const [a] = tee([1, 2, 3], 1)
  const br = a as AsyncIterable<number>
  assert.equal(br[Symbol.asyncIterator](), br[Symbol.asyncIterator]())
})

test('branches feed zip: tee → map/map → zip', async () => {
  const [a, b] = tee(range(1000), 2)
  const out = await pipe(
    zip(
      pipe(
        a,
        map((x) => x + 1),
      ),
      pipe(
        b,
        map((x) => x - 1),
      ),
    ),
    map(([p, q]) => p + q),
    toArray(),
  )
  assert.deepEqual(
    out,
    range(1000).map((x) => 2 * x),
  )
})

test('no unhandled rejections when the source fails', async () => {
  const seen: unknown[] = []
  const onUnhandled = (e: unknown): void => {
    seen.push(e)
  }
  process.on('unhandledRejection', onUnhandled)
  try {
    const [a, b] = tee(tracked([1], { failAt: 1 }), 2)
    await assert.rejects(pipe(zip(a, b), toArray()))
    const [c, d] = tee(tracked([1], { failAt: 1 }), 2)
    await assert.rejects(collect(c))
    for await (const _ of d) break
    await settle(5)
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
  assert.deepEqual(seen, [])
})

test('bad arguments throw at construction', () => {
  assert.throws(() => tee(5 as unknown as number[], 2), {
    name: 'TypeError',
    message: /tee: source must be an AsyncIterable or Iterable, got 5/,
  })
  assert.throws(() => tee([1], 0), { name: 'RangeError', message: /tee: n must be a positive integer, got 0/ })
  assert.throws(() => tee([1], 1.5), RangeError)
  assert.throws(() => tee([1], 2, { highWaterMark: 0 }), {
    name: 'RangeError',
    message: /tee: highWaterMark must be a positive integer or Infinity, got 0/,
  })
  assert.throws(() => tee([1], 2, null as unknown as object), TypeError)
})

test('types: a literal 2 or 3 gives a tuple, any other n an array', () => {
  expectTypeOf(tee([1], 2)).toEqualTypeOf<[AsyncIterable<number>, AsyncIterable<number>]>()
  expectTypeOf(tee(['a'], 3)).toEqualTypeOf<[AsyncIterable<string>, AsyncIterable<string>, AsyncIterable<string>]>()
  expectTypeOf(tee([1], 4 as number)).toEqualTypeOf<AsyncIterable<number>[]>()
})
