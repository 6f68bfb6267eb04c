import { test } from 'node:test'
import assert from 'node:assert/strict'
import { expectTypeOf } from 'expect-type'
import { pipe, sink, map, filter, pushable } from '../../src/index.js'
import { tracked, settle } from '../helpers.js'

/** An async f whose calls wait until the test releases them. */
function gated<T>(): { f: (x: T) => Promise<void>; calls: T[]; release: () => void; fail: (e: Error) => void } {
  const calls: T[] = []
  const gates: { resolve: () => void; reject: (e: Error) => void }[] = []
  return {
    calls,
    f: (x) => {
      calls.push(x)
      return new Promise<void>((resolve, reject) => gates.push({ resolve, reject }))
    },
    release: () => gates.shift()?.resolve(),
    fail: (e) => gates.shift()?.reject(e),
  }
}

test('sink calls a sync f on every element in order and resolves to undefined', async () => {
  const seen: number[] = []
  const done = pipe(
    [1, 2, 3],
    map((x) => x * 2),
    sink((x) => seen.push(x)),
  )
  expectTypeOf(done).toEqualTypeOf<Promise<void>>()
  assert.equal(await (done as Promise<unknown>), undefined) // what f returns is dropped
  assert.deepEqual(seen, [2, 4, 6])
})

test('sink with an async f resolves after the last call settled', async () => {
  const seen: number[] = []
  let last = false
  await pipe(
    tracked([1, 2, 3]),
    sink(async (x: number) => {
      await settle(1)
      seen.push(x)
      if (x === 3) last = true
    }),
  )
  assert.deepEqual(seen, [1, 2, 3])
  assert.equal(last, true)
})

test('back pressure: the next element is taken only after the previous promise settled', async () => {
  const src = tracked([1, 2, 3])
  const g = gated<number>()
  let finished = false
  const done = pipe(src, sink(g.f)).then(() => (finished = true))
  await settle()
  assert.deepEqual(g.calls, [1])
  assert.equal(src.state.pulled, 1)
  g.release()
  await settle()
  assert.deepEqual(g.calls, [1, 2])
  assert.equal(src.state.pulled, 2)
  g.release()
  await settle()
  assert.deepEqual(g.calls, [1, 2, 3])
  assert.equal(finished, false)
  g.release()
  await done
  assert.equal(finished, true)
  assert.deepEqual(src.state, { pulled: 4, closed: true })
})

test('back pressure through fused stages over an array', async () => {
  const g = gated<number>()
  const done = pipe(
    [1, 2, 3, 4],
    filter((x) => x !== 2),
    map((x) => x * 10),
    sink(g.f),
  )
  await settle()
  assert.deepEqual(g.calls, [10])
  g.release()
  await settle()
  assert.deepEqual(g.calls, [10, 30])
  g.release()
  await settle()
  g.release()
  await done
  assert.deepEqual(g.calls, [10, 30, 40])
})

test('sink on an empty source resolves without calling f', async () => {
  let called = 0
  await pipe(
    [] as number[],
    sink(() => called++),
  )
  await pipe(
    tracked<number>([]),
    sink(() => called++),
  )
  assert.equal(called, 0)
})

test('a source error rejects the sink after the earlier elements were handled', async () => {
  const seen: number[] = []
  await assert.rejects(
    pipe(
      tracked([1, 2, 3], { failAt: 2, error: new Error('source broke') }),
      sink((x: number) => seen.push(x)),
    ),
    /source broke/,
  )
  assert.deepEqual(seen, [1, 2])
})

test('an error from f, sync or async, rejects the sink and closes the source', async () => {
  const fails = [
    (x: number): void => {
      if (x === 2) throw new Error('f failed on 2')
    },
    async (x: number): Promise<void> => {
      await settle(1)
      if (x === 2) throw new Error('f failed on 2')
    },
  ]
  for (const f of fails) {
    const src = tracked([1, 2, 3, 4])
    await assert.rejects(pipe(src, sink(f)), /f failed on 2/)
    assert.deepEqual(src.state, { pulled: 2, closed: true })
    // the same through a fused stage
    const src2 = tracked([1, 2, 3, 4])
    await assert.rejects(
      pipe(
        src2,
        map((x: number) => x),
        sink(f),
      ),
      /f failed on 2/,
    )
    assert.deepEqual(src2.state, { pulled: 2, closed: true })
  }
  // a rejected gate: nothing more is called
  const src = tracked([1, 2, 3])
  const g = gated<number>()
  const done = pipe(src, sink(g.f))
  await settle()
  g.fail(new Error('gate failed'))
  await assert.rejects(done, /gate failed/)
  assert.deepEqual(g.calls, [1])
  assert.deepEqual(src.state, { pulled: 1, closed: true })
})

test('sink works on a plain async iterable: an async generator, closed on error', async () => {
  let closed = false
  async function* gen(): AsyncGenerator<number> {
    try {
      yield 1
      yield 2
      yield 3
    } finally {
      closed = true
    }
  }
  const seen: number[] = []
  await sink((x: number) => seen.push(x))(gen())
  assert.deepEqual(seen, [1, 2, 3])
  assert.equal(closed, true)
  closed = false
  await assert.rejects(
    sink((x: number) => {
      if (x === 1) throw new Error('stop at 1')
    })(gen()),
    /stop at 1/,
  )
  assert.equal(closed, true)
})

test('sink works on a pushable, with back pressure on emit', async () => {
  const source = pushable<number>()
  const g = gated<number>()
  const done = pipe(
    source,
    map((x) => x + 1),
    sink(g.f),
  )
  await source.emit(1) // taken at once: f(2) is running
  assert.deepEqual(g.calls, [2])
  let second = false
  const emitted = source.emit(2).then(() => (second = true))
  await settle()
  assert.equal(second, false) // f(2) has not settled: 2 is not taken
  assert.deepEqual(g.calls, [2])
  g.release()
  await emitted
  assert.deepEqual(g.calls, [2, 3])
  source.end()
  g.release()
  await done
})

test('an error from f on a pushable rejects the sink and closes the pushable', async () => {
  const source = pushable<number>()
  const done = pipe(
    source,
    sink((x: number) => {
      if (x === 2) throw new Error('f failed on 2')
    }),
  )
  await source.emit(1)
  source.push(2)
  await assert.rejects(done, /f failed on 2/)
  assert.equal(source.closed, true)
  await assert.rejects(source.emit(3), /pipeline has stopped/)
})

test('sink(f) does nothing until it is applied; bad arguments throw at construction', async () => {
  const src = tracked([1])
  let called = 0
  const s = sink(() => called++)
  await settle()
  assert.equal(called, 0)
  assert.equal(src.state.pulled, 0)
  await s(src)
  assert.equal(called, 1)
  assert.throws(() => sink(undefined as unknown as () => void), {
    name: 'TypeError',
    message: 'sink: f must be a function, got undefined',
  })
  assert.throws(() => sink(42 as unknown as () => void), { name: 'TypeError', message: /sink: f .*got 42/ })
})
