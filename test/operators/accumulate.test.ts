import { test } from 'node:test'
import assert from 'node:assert/strict'
import { expectTypeOf } from 'expect-type'
import { pipe, accumulate, toArray } from '../../src/index.js'
import { tracked, forever, settle } from '../helpers.js'

// Expected values below were checked against Python Streamz 0.6.4.

test('without start, the first element is the state and is emitted as is', async () => {
  assert.deepEqual(
    await pipe(
      [1, 2, 3, 4],
      accumulate((acc: number, x: number) => acc + x),
      toArray(),
    ),
    [1, 3, 6, 10],
  )
  assert.deepEqual(
    await pipe(
      tracked(['a', 'b', 'c']),
      accumulate((acc: string, x: string) => acc + x),
      toArray(),
    ),
    ['a', 'ab', 'abc'],
  )
  // f is not called for the first element
  const calls: [number, number][] = []
  const got = await pipe(
    [7, 1, 2],
    accumulate((acc: number, x: number) => (calls.push([acc, x]), acc - x)),
    toArray(),
  )
  assert.deepEqual(got, [7, 6, 4])
  assert.deepEqual(calls, [
    [7, 1],
    [6, 2],
  ])
})

test('with start, f is called for every element from the start state', async () => {
  assert.deepEqual(
    await pipe(
      [1, 2, 3],
      accumulate((acc: number, x: number) => acc + x, { start: 10 }),
      toArray(),
    ),
    [11, 13, 16],
  )
  // the state may have another type than the elements
  const counts = await pipe(
    ['a', 'b'],
    accumulate((n: number) => n + 1, { start: 0 }),
    toArray(),
  )
  expectTypeOf(counts).toEqualTypeOf<number[]>()
  assert.deepEqual(counts, [1, 2])
  // a falsy start is still a start
  assert.deepEqual(
    await pipe(
      [5, 6],
      accumulate((acc: number, x: number) => acc * x, { start: 0 }),
      toArray(),
    ),
    [0, 0],
  )
  assert.deepEqual(
    await pipe(
      ['x'],
      accumulate((acc: string, x: string) => acc + x, { start: '' }),
      toArray(),
    ),
    ['x'],
  )
})

test('returnsState: f returns [state, emitted] (the Streamz enumerate example)', async () => {
  const enumerate = accumulate(
    (acc: readonly [number, number], x: number) =>
      [
        [acc[0] + 1, x],
        [acc[0], x],
      ] as const,
    { start: [0, 0] as const, returnsState: true },
  )
  expectTypeOf(enumerate).returns.toEqualTypeOf<AsyncIterable<readonly [number, number]>>()
  assert.deepEqual(await pipe([0, 0, 0], enumerate, toArray()), [
    [0, 0],
    [1, 0],
    [2, 0],
  ])
  assert.deepEqual(await pipe(tracked([5, 3, 9]), enumerate, toArray()), [
    [0, 5],
    [1, 3],
    [2, 9],
  ])
  // the emitted value may have its own type: a running total, emitting a description
  const described = await pipe(
    [1, 2, 3],
    accumulate((sum: number, x: number): [number, string] => [sum + x, `${sum}+${x}`], {
      start: 0,
      returnsState: true,
    }),
    toArray(),
  )
  expectTypeOf(described).toEqualTypeOf<string[]>()
  assert.deepEqual(described, ['0+1', '1+2', '3+3'])
})

test('returnsState without start: the first element is the state and is emitted', async () => {
  // as in Streamz, where the first element bypasses f even with returns_state
  const f = ((acc: number, x: number) => [acc + x, acc * x]) as unknown as (
    s: number,
    x: number,
  ) => readonly [number, number]
  const stage = accumulate(f, { returnsState: true } as unknown as { start: number; returnsState: true })
  assert.deepEqual(await pipe([2, 3, 4], stage, toArray()), [2, 6, 20])
})

test('f may be async; calls run one at a time, in order', async () => {
  let running = 0
  let most = 0
  const f = async (acc: number, x: number): Promise<number> => {
    running++
    most = Math.max(most, running)
    await settle(1)
    running--
    return acc + x
  }
  assert.deepEqual(await pipe([1, 2, 3, 4], accumulate(f), toArray()), [1, 3, 6, 10])
  const got: number[] = []
  for await (const x of pipe(tracked([1, 2, 3]), accumulate(f, { start: 100 }))) got.push(x)
  assert.deepEqual(got, [101, 103, 106])
  assert.equal(most, 1)
  const pairs = await pipe(
    ['a', 'b'],
    accumulate(async (n: number, x: string) => [n + 1, `${n}:${x}`] as const, { start: 0, returnsState: true }),
    toArray(),
  )
  assert.deepEqual(pairs, ['0:a', '1:b'])
})

test('a bad returnsState result is a clear TypeError that closes the source', async () => {
  const bads: unknown[] = [5, undefined, [1], [1, 2, 3], { state: 1, emit: 2 }]
  for (const bad of bads) {
    const src = tracked([1, 2, 3])
    const f = (() => bad) as unknown as (s: number, x: number) => readonly [number, number]
    await assert.rejects(pipe(src, accumulate(f, { start: 0, returnsState: true }), toArray()), (e: unknown) => {
      assert.ok(e instanceof TypeError, `for ${String(bad)}: ${String(e)}`)
      assert.match(e.message, /^accumulate: with returnsState, f must return \[state, emitted\], got /)
      return true
    })
    assert.equal(src.state.closed, true)
  }
  // async f too, through for await
  const src = tracked([1, 2, 3])
  const f = (async () => 7) as unknown as (s: number, x: number) => Promise<readonly [number, number]>
  await assert.rejects(async () => {
    for await (const _ of pipe(src, accumulate(f, { start: 0, returnsState: true }))) assert.fail('nothing is emitted')
  }, /accumulate: with returnsState, f must return \[state, emitted\], got 7/)
  assert.equal(src.state.closed, true)
})

test('state is per iteration: the same pipeline iterated twice starts afresh', async () => {
  const sum = accumulate((acc: number, x: number) => acc + x)
  const out = pipe([1, 2, 3], sum)
  assert.deepEqual(await toArray<number>()(out), [1, 3, 6])
  assert.deepEqual(await toArray<number>()(out), [1, 3, 6])
  const got: number[] = []
  for await (const x of out) got.push(x)
  assert.deepEqual(got, [1, 3, 6])
  // with a start: the start is reused, not the last state
  const counted = pipe(
    ['a', 'b'],
    accumulate((n: number) => n + 1, { start: 0 }),
  )
  assert.deepEqual(await toArray<number>()(counted), [1, 2])
  assert.deepEqual(await toArray<number>()(counted), [1, 2])
  // the same stage used in two pipelines at once: independent states
  const a = pipe([1, 1, 1], sum)[Symbol.asyncIterator]()
  const b = pipe([10, 10], sum)[Symbol.asyncIterator]()
  assert.deepEqual(await a.next(), { value: 1, done: false })
  assert.deepEqual(await b.next(), { value: 10, done: false })
  assert.deepEqual(await a.next(), { value: 2, done: false })
  assert.deepEqual(await b.next(), { value: 20, done: false })
})

test('accumulate on an empty source emits nothing and never calls f', async () => {
  let called = 0
  const f = (acc: number, x: number): number => (called++, acc + x)
  assert.deepEqual(await pipe([] as number[], accumulate(f), toArray()), [])
  assert.deepEqual(await pipe(tracked<number>([]), accumulate(f, { start: 5 }), toArray()), [])
  assert.equal(called, 0)
})

test('a source error arrives after the earlier values', async () => {
  const got: number[] = []
  const src = tracked([1, 2, 3, 4], { failAt: 3, error: new Error('source broke') })
  await assert.rejects(async () => {
    for await (const x of pipe(
      src,
      accumulate((a: number, x: number) => a + x),
    ))
      got.push(x)
  }, /source broke/)
  assert.deepEqual(got, [1, 3, 6])
})

test('an error from f, sync or async, reaches the consumer and closes the source', async () => {
  const fails = [
    (acc: number, x: number): number => {
      if (x === 3) throw new Error('f failed on 3')
      return acc + x
    },
    async (acc: number, x: number): Promise<number> => {
      await settle(1)
      if (x === 3) throw new Error('f failed on 3')
      return acc + x
    },
  ]
  for (const f of fails) {
    const src = tracked([1, 2, 3, 4])
    const got: number[] = []
    await assert.rejects(async () => {
      for await (const x of pipe(src, accumulate(f))) got.push(x)
    }, /f failed on 3/)
    assert.deepEqual(got, [1, 3])
    assert.equal(src.state.closed, true)
    const src2 = tracked([1, 2, 3, 4])
    await assert.rejects(pipe(src2, accumulate(f), toArray()), /f failed on 3/)
    assert.equal(src2.state.closed, true)
  }
})

test('early break closes upstream, also while the source is waiting', async () => {
  const src = tracked([1, 2, 3, 4])
  for await (const x of pipe(
    src,
    accumulate((a: number, x: number) => a + x),
  ))
    if (x === 3) break
  assert.deepEqual(src.state, { pulled: 2, closed: true })

  const stuck = forever<number>()
  const it = pipe(
    stuck,
    accumulate((a: number, x: number) => a + x),
  )[Symbol.asyncIterator]()
  const pending = it.next()
  await settle()
  await it.return?.()
  assert.equal(stuck.state.closed, true)
  assert.deepEqual(await pending, { value: undefined, done: true })
})

test('accumulate is lazy: nothing is pulled before the first next()', async () => {
  const src = tracked([1, 2, 3])
  let called = 0
  const it = pipe(
    src,
    accumulate((a: number, x: number) => (called++, a + x), { start: 0 }),
  )[Symbol.asyncIterator]()
  await settle()
  assert.equal(src.state.pulled, 0)
  assert.equal(called, 0)
  assert.deepEqual(await it.next(), { value: 1, done: false })
  assert.equal(src.state.pulled, 1)
})

test('bad arguments throw at construction', () => {
  assert.throws(() => accumulate(null as unknown as (a: number, x: number) => number), {
    name: 'TypeError',
    message: 'accumulate: f must be a function, got null',
  })
  assert.throws(() => accumulate((a: number) => a, 5 as unknown as { start: number }), {
    name: 'TypeError',
    message: 'accumulate: options must be an options object, got 5',
  })
  assert.throws(() => accumulate((a: number) => a, null as unknown as { start: number }), {
    name: 'TypeError',
    message: /options.*got null/,
  })
})
