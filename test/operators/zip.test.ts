import { test } from 'node:test'
import assert from 'node:assert/strict'
import { expectTypeOf } from 'expect-type'
import { pipe, zip, tee, map, filter, sink, toArray, pushable } from '../../src/index.js'
import { DONE, fuse } from '../../src/pipe/flow.js'
import { tracked, forever, settle, range } from '../helpers.js'

async function collect<T>(src: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of src) out.push(x)
  return out
}

async function* gen<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const x of items) yield x
}

/** Call `f` on every element, pulled with for await or driven by the built-in sink. */
function each<T>(mode: string, src: AsyncIterable<T>, f: (x: T) => unknown): Promise<void> {
  if (mode === 'sink') return pipe(src, sink(f))
  return (async () => {
    for await (const x of src) f(x)
  })()
}

const consumers = {
  'for await': collect,
  sink: <T>(src: AsyncIterable<T>) => pipe(src, toArray()),
}

for (const [mode, consume] of Object.entries(consumers)) {
  test(`${mode}: tuples pair the sources element by element, sync and async mixed`, async () => {
    assert.deepEqual(await consume(zip([1, 2, 3], gen(['a', 'b', 'c']), tracked([true, false, true]))), [
      [1, 'a', true],
      [2, 'b', false],
      [3, 'c', true],
    ])
    assert.deepEqual(await consume(zip([1, 2], [3, 4])), [
      [1, 3],
      [2, 4],
    ])
  })

  test(`${mode}: ends when the shortest source ends, and closes the others`, async () => {
    const long = tracked(range(100))
    const endless = forever<number>()
    const short = tracked([1, 2])
    assert.deepEqual(await consume(zip(long, short, range(50))), [
      [0, 1, 0],
      [1, 2, 1],
    ])
    assert.equal(long.state.closed, true)
    assert.equal(long.state.pulled, 3) // the third round asked every source at once
    // an endless source does not keep zip from ending
    assert.deepEqual(await consume(zip(endless, tracked<number>([]))), [])
    assert.equal(endless.state.closed, true)
  })

  test(`${mode}: no sources, or an empty one, end at once`, async () => {
    assert.deepEqual(await consume(zip()), [])
    const other = tracked(range(5))
    assert.deepEqual(await consume(zip([], other)), [])
    assert.equal(other.state.closed, true)
  })

  test(`${mode}: a source error reaches the consumer after the tuples before it, and closes the others`, async () => {
    // the error comes while another source has not answered yet: zip does not wait for it
    const bad = tracked([1, 2, 3], { failAt: 0, error: new Error('boom') })
    const other = tracked(range(10))
    const endless = forever<number>()
    const got: unknown[] = []
    await assert.rejects(
      each(mode, zip(bad, other, endless as AsyncIterable<number>), (x) => got.push(x)),
      /boom/,
    )
    assert.deepEqual(got, [])
    assert.equal(other.state.closed, true)
    assert.equal(endless.state.closed, true)
    const bad2 = tracked([1, 2, 3], { failAt: 2, error: new Error('boom2') })
    const got2: unknown[] = []
    await assert.rejects(
      each(mode, zip(bad2, ['a', 'b', 'c']), (x) => got2.push(x)),
      /boom2/,
    )
    assert.deepEqual(got2, [
      [1, 'a'],
      [2, 'b'],
    ])
  })

  test(`${mode}: a failing consumer closes every source`, async () => {
    const a = tracked(range(10))
    const b = tracked(range(10))
    await assert.rejects(
      each(mode, zip(a, b), () => {
        throw new Error('consumer')
      }),
      /consumer/,
    )
    assert.equal(a.state.closed, true)
    assert.equal(b.state.closed, true)
  })

  test(`${mode}: fused stages on the inputs, sync and async, run as they would alone`, async () => {
    // branch a reads three elements per tuple, b one: b falls behind, so no bound here
    const [a, b] = tee(range(100), 2, { highWaterMark: Infinity })
    const out = await consume(
      zip(
        pipe(
          a,
          map((x) => x * 2),
          filter((x) => x % 3 === 0),
        ),
        pipe(
          b,
          map(async (x) => x + 1),
        ),
        pipe(
          gen(range(100)),
          map((x) => -x),
        ),
      ),
    )
    const evens = range(100)
      .map((x) => x * 2)
      .filter((x) => x % 3 === 0)
    assert.deepEqual(
      out,
      evens.slice(0, out.length).map((x, i) => [x, i + 1, -i]),
    )
    assert.equal(out.length, evens.length)
  })
}

test('break closes every source', async () => {
  const a = tracked(range(10))
  const b = forever<number>()
  const c = pushable<number>()
  c.push(7)
  const it = zip(a, c)[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: [0, 7], done: false })
  await it.return?.()
  assert.equal(a.state.closed, true)
  assert.equal(c.closed, true)
  const d = tracked(range(10))
  const pending = zip(d, b)[Symbol.asyncIterator]()
  const p = pending.next()
  await settle()
  await pending.return?.()
  assert.deepEqual(await p, { value: undefined, done: true })
  assert.equal(b.state.closed, true)
  assert.equal(d.state.closed, true)
})

test('nothing is pulled before the first next(); then every source is asked once per tuple', async () => {
  const a = tracked(range(10))
  const b = tracked(range(10))
  const it = zip(a, b)[Symbol.asyncIterator]()
  await settle()
  assert.equal(a.state.pulled + b.state.pulled, 0)
  await it.next()
  await it.next()
  assert.equal(a.state.pulled, 2)
  assert.equal(b.state.pulled, 2)
})

test('concurrent next() calls get consecutive tuples in order', async () => {
  const a = pushable<number>()
  const it = zip(a, ['x', 'y', 'z'])[Symbol.asyncIterator]()
  const ps = [it.next(), it.next(), it.next(), it.next()]
  a.push(1)
  a.push(2)
  a.push(3)
  a.end()
  assert.deepEqual(await Promise.all(ps), [
    { value: [1, 'x'], done: false },
    { value: [2, 'y'], done: false },
    { value: [3, 'z'], done: false },
    { value: undefined, done: true },
  ])
})

test('concurrent next() calls all settle when a source fails', async () => {
  const bad = tracked([1], { failAt: 1, error: new Error('late') })
  const it = zip(gen([1, 2, 3]), bad)[Symbol.asyncIterator]()
  const [r1, r2, r3] = await Promise.allSettled([it.next(), it.next(), it.next()])
  assert.deepEqual(r1, { status: 'fulfilled', value: { value: [1, 1], done: false } })
  assert.equal(r2?.status, 'rejected')
  assert.deepEqual(r3, { status: 'fulfilled', value: { value: undefined, done: true } })
})

test('a fused input that stops early (DONE) ends zip and closes its root', async () => {
  const takeTwo = fuse<number, number>('takeTwo', (down) => {
    let n = 0
    return {
      push(x) {
        const r = down.push(x)
        return ++n >= 2 ? DONE : r
      },
      end: () => down.end(),
    }
  })
  const root = tracked(range(10))
  assert.deepEqual(await collect(zip(pipe(root, takeTwo), ['a', 'b', 'c'])), [
    [0, 'a'],
    [1, 'b'],
  ])
  assert.equal(root.state.closed, true)
  assert.equal(root.state.pulled, 2)
})

test('a fused input that flushes on end delivers the flushed element', async () => {
  const lastOnly = fuse<number, number>('lastOnly', (down) => {
    let last: number | undefined
    return {
      push(x) {
        last = x
      },
      end() {
        if (last !== undefined) down.push(last)
        return down.end()
      },
    }
  })
  assert.deepEqual(await pipe(zip(pipe([1, 2, 3], lastOnly), ['a', 'b']), toArray()), [[3, 'a']])
  assert.deepEqual(await collect(zip(pipe(gen([4, 5]), lastOnly), ['a', 'b'])), [[5, 'a']])
})

test('an async step failing in a fused input reaches the consumer and closes everything', async () => {
  const root = tracked(range(10))
  const other = tracked(range(10))
  const failing = pipe(
    root,
    map(async (x) => {
      if (x === 2) throw new Error('step failed')
      return x
    }),
  )
  const got: unknown[] = []
  await assert.rejects(
    each('for await', zip(failing, other), (x) => got.push(x)),
    /step failed/,
  )
  assert.deepEqual(got, [
    [0, 0],
    [1, 1],
  ])
  assert.equal(root.state.closed, true)
  assert.equal(other.state.closed, true)
})

test('no unhandled rejections when several sources fail in one round', async () => {
  const seen: unknown[] = []
  const onUnhandled = (e: unknown): void => {
    seen.push(e)
  }
  process.on('unhandledRejection', onUnhandled)
  try {
    const failing = (): AsyncIterable<number> => tracked([1], { failAt: 1 })
    await assert.rejects(collect(zip(failing(), failing(), failing())))
    await assert.rejects(pipe(zip(failing(), failing()), toArray()))
    function* syncBad(): Generator<number> {
      yield 1
      throw new Error('sync')
    }
    await assert.rejects(collect(zip(failing(), syncBad())))
    await settle(5)
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
  assert.deepEqual(seen, [])
})

test('bad arguments throw at construction', () => {
  assert.throws(() => zip([1], {} as unknown as number[]), {
    name: 'TypeError',
    message: /zip: source 1 must be an AsyncIterable or Iterable/,
  })
  assert.throws(() => zip(undefined as unknown as number[]), TypeError)
})

test('types: the tuple is typed from the sources', () => {
  expectTypeOf(zip([1], gen(['a']), [true])).toEqualTypeOf<AsyncIterable<[number, string, boolean]>>()
  const [a, b] = tee([1, 2], 2)
  expectTypeOf(
    pipe(
      zip(a, pipe(b, map(String))),
      map(([x, y]) => x + y.length),
    ),
  ).toEqualTypeOf<AsyncIterable<number>>()
})
