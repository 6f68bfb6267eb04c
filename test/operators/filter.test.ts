import { test } from 'node:test'
import assert from 'node:assert/strict'
import { expectTypeOf } from 'expect-type'
import { pipe, filter, map, toArray } from '../../src/index.js'
import { tracked, forever, settle } from '../helpers.js'

test('filter keeps the elements the predicate accepts, in order', async () => {
  assert.deepEqual(
    await pipe(
      [1, 2, 3, 4, 5, 6],
      filter((x) => x % 2 === 0),
      toArray(),
    ),
    [2, 4, 6],
  )
  assert.deepEqual(
    await pipe(
      tracked(['a', 'bb', 'ccc']),
      filter((s) => s.length > 1),
      toArray(),
    ),
    ['bb', 'ccc'],
  )
  // a truthy or falsy result that is not a boolean counts as such (JavaScript predicate style)
  const loose = (x: number): boolean => (x % 3) as unknown as boolean
  assert.deepEqual(await pipe([0, 1, 2, 3, 4], filter(loose), toArray()), [1, 2, 4])
})

test('filter with an async predicate keeps the order and waits for each verdict', async () => {
  const calls: number[] = []
  const pred = async (x: number): Promise<boolean> => {
    calls.push(x)
    await settle(1)
    return x > 2
  }
  assert.deepEqual(await pipe([5, 1, 4, 2, 3], filter(pred), toArray()), [5, 4, 3])
  assert.deepEqual(calls, [5, 1, 4, 2, 3])
  // the same through for await, over an async source
  const got: number[] = []
  for await (const x of pipe(tracked([5, 1, 4, 2, 3]), filter(pred))) got.push(x)
  assert.deepEqual(got, [5, 4, 3])
})

test('a predicate returning a promise does not pass everything: the resolved value decides', async () => {
  // a Promise object is truthy; filter must await it, not test it
  const none = (_: number): Promise<boolean> => Promise.resolve(false)
  assert.deepEqual(await pipe([1, 2, 3], filter(none), toArray()), [])
  assert.deepEqual(await pipe(tracked([1, 2, 3]), filter(none), toArray()), [])
  const got: number[] = []
  for await (const x of pipe([1, 2, 3], filter(none))) got.push(x)
  assert.deepEqual(got, [])
  // a plain thenable as well
  const thenable = (x: number): PromiseLike<boolean> => ({
    then: (ok) => Promise.resolve(x === 2).then(ok),
  })
  assert.deepEqual(await pipe([1, 2, 3], filter(thenable), toArray()), [2])
})

test('a type-guard predicate narrows the element type', async () => {
  const isString = (x: string | number): x is string => typeof x === 'string'
  const mixed: (string | number)[] = [1, 'a', 2, 'b']
  const out = pipe(mixed, filter(isString))
  expectTypeOf(out).toEqualTypeOf<AsyncIterable<string>>()
  const lengths = await pipe(
    [1, 'a', 2, 'bb'] as (string | number)[],
    filter(isString),
    map((s) => s.length),
    toArray(),
  )
  expectTypeOf(lengths).toEqualTypeOf<number[]>()
  assert.deepEqual(lengths, [1, 2])
  // a boolean predicate keeps the type
  const same = pipe(
    [1, 2],
    filter((x) => x > 1),
  )
  expectTypeOf(same).toEqualTypeOf<AsyncIterable<number>>()
  const defined = pipe(
    [1, undefined, 3],
    filter((x): x is number => x !== undefined),
  )
  expectTypeOf(defined).toEqualTypeOf<AsyncIterable<number>>()
  assert.deepEqual(await toArray<number>()(defined), [1, 3])
})

test('filter on an empty source emits nothing', async () => {
  let called = 0
  assert.deepEqual(
    await pipe(
      [] as number[],
      filter(() => ++called > 0),
      toArray(),
    ),
    [],
  )
  assert.deepEqual(
    await pipe(
      tracked<number>([]),
      filter(() => true),
      toArray(),
    ),
    [],
  )
  assert.equal(called, 0)
})

test('a source error arrives after the earlier values', async () => {
  const got: number[] = []
  const src = tracked([1, 2, 3, 4], { failAt: 3, error: new Error('source broke') })
  await assert.rejects(async () => {
    for await (const x of pipe(
      src,
      filter((x: number) => x !== 2),
    ))
      got.push(x)
  }, /source broke/)
  assert.deepEqual(got, [1, 3])
  await assert.rejects(
    pipe(
      tracked([1, 2], { failAt: 1, error: new Error('sink saw it') }),
      filter(() => true),
      toArray(),
    ),
    /sink saw it/,
  )
})

test('an error from the predicate, sync or async, reaches the consumer and closes the source', async () => {
  const fails = [
    (x: number): boolean => {
      if (x === 3) throw new Error('pred failed on 3')
      return true
    },
    async (x: number): Promise<boolean> => {
      await settle(1)
      if (x === 3) throw new Error('pred failed on 3')
      return true
    },
  ]
  for (const pred of fails) {
    const src = tracked([1, 2, 3, 4, 5])
    const got: number[] = []
    await assert.rejects(async () => {
      for await (const x of pipe(src, filter(pred))) got.push(x)
    }, /pred failed on 3/)
    assert.deepEqual(got, [1, 2])
    assert.equal(src.state.closed, true)
    assert.equal(src.state.pulled, 3)

    const src2 = tracked([1, 2, 3, 4, 5])
    await assert.rejects(pipe(src2, filter(pred), toArray()), /pred failed on 3/)
    assert.equal(src2.state.closed, true)
  }
})

test('early break closes upstream, also while the source is waiting', async () => {
  const src = tracked([1, 2, 3, 4, 5, 6])
  const out = pipe(
    src,
    filter((x: number) => x % 2 === 0),
  )
  for await (const x of out) {
    assert.equal(x, 2)
    break
  }
  assert.deepEqual(src.state, { pulled: 2, closed: true })

  const stuck = forever<number>()
  const it = pipe(
    stuck,
    filter(() => true),
  )[Symbol.asyncIterator]()
  const pending = it.next()
  await settle()
  await it.return?.()
  assert.equal(stuck.state.closed, true)
  assert.deepEqual(await pending, { value: undefined, done: true })
})

test('filter is lazy: nothing is pulled and the predicate is not called before the first next()', async () => {
  const src = tracked([1, 2, 3])
  let called = 0
  const it = pipe(
    src,
    filter(() => ++called > 0),
  )[Symbol.asyncIterator]()
  await settle()
  assert.equal(src.state.pulled, 0)
  assert.equal(called, 0)
  assert.deepEqual(await it.next(), { value: 1, done: false })
  assert.equal(src.state.pulled, 1)
  assert.equal(called, 1)
})

test('bad arguments throw at construction', () => {
  assert.throws(() => filter(undefined as unknown as () => boolean), {
    name: 'TypeError',
    message: 'filter: pred must be a function, got undefined',
  })
  assert.throws(() => filter('x' as unknown as () => boolean), { name: 'TypeError', message: /pred.*"x"/ })
})
