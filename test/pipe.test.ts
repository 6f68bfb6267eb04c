import { test } from 'node:test'
import assert from 'node:assert/strict'
import { from as ixFrom } from 'ix/asynciterable'
import { map as ixMap } from 'ix/asynciterable/operators'
import { pushable as itPushable } from 'it-pushable'
import { pipe, map, filter, accumulate, sink, toArray, fromIterable, type Stage } from '../src/index.js'
import { tracked } from './helpers.js'

/** A user's own async generator stage, to put between built-ins. */
const passThrough = <T>(): Stage<T, T> =>
  async function* passThroughStage(source) {
    for await (const x of source) yield x
  }

const identity =
  <T>(): Stage<T, T> =>
  (source) =>
    source

/** map → filter → accumulate, with `mid` between each pair. */
const workload =
  (mid: Stage<number, number> = identity()): Stage<number, number> =>
  (source) =>
    pipe(
      source,
      map((x: number) => x * 2),
      mid,
      filter((x: number) => x % 3 === 0),
      mid,
      accumulate((a: number, b: number) => a + b),
    )

test('pipe with no stages returns the source as an AsyncIterable', async () => {
  const out: number[] = []
  for await (const x of pipe([1, 2, 3])) out.push(x)
  assert.deepEqual(out, [1, 2, 3])
  const asyncSrc = fromIterable(tracked([1]))
  assert.equal(pipe(asyncSrc), asyncSrc)
})

test('sync, async and generator sources give the same results', async () => {
  const data = Array.from({ length: 100 }, (_, i) => i)
  function* gen() {
    yield* data
  }
  const expected = [0, 6, 18, 36]
  const [a, b, c] = await Promise.all([
    pipe(data, workload(), toArray()),
    pipe(tracked(data), workload(), toArray()),
    pipe(gen(), workload(), toArray()),
  ])
  assert.deepEqual(a.slice(0, 4), expected)
  assert.deepEqual(b, a)
  assert.deepEqual(c, a)
})

test('a user generator between built-ins changes nothing observable', async () => {
  const data = Array.from({ length: 50 }, (_, i) => i)
  const fused = await pipe(data, workload(), toArray())
  const split = await pipe(data, workload(passThrough()), toArray())
  assert.deepEqual(split, fused)
  // pulled with for await instead of a sink
  const pulled: number[] = []
  for await (const x of pipe(data, workload(passThrough()))) pulled.push(x)
  assert.deepEqual(pulled, fused)
})

for (const mid of [identity<number>(), passThrough<number>()]) {
  const label = mid.name === 'passThroughStage' ? 'with a user generator between' : 'fused'
  test(`${label}: a sink error closes the source and rejects`, async () => {
    const src = tracked([1, 2, 3, 4, 5])
    await assert.rejects(
      pipe(
        src,
        map((x: number) => x),
        mid,
        sink((x: number) => {
          if (x === 3) throw new Error('sink failed at 3')
        }),
      ),
      /sink failed at 3/,
    )
    assert.equal(src.state.closed, true)
    assert.equal(src.state.pulled, 3)
  })

  test(`${label}: a source error reaches the sink after the earlier values`, async () => {
    const got: number[] = []
    const src = tracked([1, 2, 3], { failAt: 2, error: new Error('source broke') })
    await assert.rejects(
      pipe(
        src,
        map((x: number) => x * 10),
        mid,
        sink((x: number) => got.push(x)),
      ),
      /source broke/,
    )
    assert.deepEqual(got, [10, 20])
  })

  test(`${label}: break in for await closes the source`, async () => {
    const src = tracked([1, 2, 3, 4])
    const out = pipe(
      src,
      map((x: number) => x + 1),
      mid,
      filter((x: number) => x > 0),
    )
    assert.equal(src.state.pulled, 0) // lazy
    for await (const x of out) {
      assert.equal(x, 2)
      break
    }
    assert.equal(src.state.closed, true)
    assert.equal(src.state.pulled, 1)
  })

  test(`${label}: a sync source's iterator is closed when the sink fails`, async () => {
    let closed = false
    function* gen() {
      try {
        yield 1
        yield 2
        yield 3
      } finally {
        closed = true
      }
    }
    await assert.rejects(
      pipe(
        gen(),
        map((x: number) => x),
        mid,
        sink(() => {
          throw new Error('stop')
        }),
      ),
      /stop/,
    )
    assert.equal(closed, true)
  })
}

test('async map and async sink keep order and apply back pressure', async () => {
  const src = tracked([1, 2, 3])
  let inSink = 0
  let maxInSink = 0
  const got: number[] = []
  await pipe(
    src,
    map(async (x: number) => x * 2),
    sink(async (x: number) => {
      inSink++
      maxInSink = Math.max(maxInSink, inSink)
      await new Promise((r) => setImmediate(r))
      got.push(x)
      inSink--
    }),
  )
  assert.deepEqual(got, [2, 4, 6])
  assert.equal(maxInSink, 1)
})

test('a Flow can be iterated twice when its source can', async () => {
  const doubled = pipe(
    [1, 2],
    map((x) => x * 2),
  )
  assert.deepEqual(await toArray<number>()(doubled), [2, 4])
  assert.deepEqual(await toArray<number>()(doubled), [2, 4])
})

test('ix AsyncIterables and it-pushable feed pipe unchanged', async () => {
  const ixSource = ixFrom([1, 2, 3]).pipe(ixMap((x: number) => x + 1))
  assert.deepEqual(
    await pipe(
      ixSource,
      map((x) => x * 10),
      toArray(),
    ),
    [20, 30, 40],
  )

  const p = itPushable<number>({ objectMode: true })
  p.push(1)
  p.push(2)
  p.end()
  assert.deepEqual(
    await pipe(
      p,
      filter((x) => x > 1),
      toArray(),
    ),
    [2],
  )
})

test('bad arguments to pipe throw at once, naming them', () => {
  assert.throws(() => pipe(42 as unknown as number[]), /pipe: source must be an AsyncIterable or Iterable, got 42/)
  assert.throws(() => pipe([1], 'x' as unknown as Stage<number, number>), /pipe: stage 1 must be a function, got "x"/)
})

test('bad arguments to the core operators throw at construction', () => {
  assert.throws(() => map('x' as unknown as (x: number) => number), {
    name: 'TypeError',
    message: /map: f must be a function, got "x"/,
  })
  assert.throws(() => map((x: number) => x, { concurrency: 0 }), { name: 'RangeError', message: /concurrency.*got 0/ })
  assert.throws(() => filter(null as unknown as (x: number) => boolean), /filter: pred must be a function, got null/)
  assert.throws(
    () => accumulate(3 as unknown as (a: number, b: number) => number),
    /accumulate: f must be a function, got 3/,
  )
  assert.throws(() => sink(undefined as unknown as () => void), /sink: f must be a function, got undefined/)
})
