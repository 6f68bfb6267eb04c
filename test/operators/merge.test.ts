import { test } from 'node:test'
import assert from 'node:assert/strict'
import { expectTypeOf } from 'expect-type'
import { pipe, merge, map, sink, toArray, pushable } from '../../src/index.js'
import { DONE, drive } from '../../src/pipe/flow.js'
import { tracked, forever, settle, range } from '../helpers.js'

async function collect<T>(src: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of src) out.push(x)
  return out
}

/** Call `f` on every element, pulled with for await or driven by the built-in sink. */
function each<T>(mode: string, src: AsyncIterable<T>, f: (x: T) => unknown): Promise<void> {
  if (mode === 'sink') return pipe(src, sink(f))
  return (async () => {
    for await (const x of src) f(x)
  })()
}

// Every behaviour that both paths share is checked pulled (for await) and driven (a built-in sink).
const consumers = {
  'for await': collect,
  sink: <T>(src: AsyncIterable<T>) => pipe(src, toArray()),
}

for (const [mode, consume] of Object.entries(consumers)) {
  test(`${mode}: every element of every source comes out, each source in its own order`, async () => {
    const a = tracked(range(50))
    const b = tracked(range(30, 100))
    const got = await consume(merge(a, b, [1000, 1001]))
    assert.equal(got.length, 82)
    assert.deepEqual(
      got.filter((x) => x < 100),
      range(50),
    )
    assert.deepEqual(
      got.filter((x) => x >= 100 && x < 1000),
      range(30, 100),
    )
    assert.deepEqual(
      got.filter((x) => x >= 1000),
      [1000, 1001],
    )
    assert.equal(a.state.closed, true)
    assert.equal(b.state.closed, true)
  })

  test(`${mode}: elements come out as they arrive`, async () => {
    const a = pushable<string>()
    const b = pushable<string>()
    const got: string[] = []
    const done = each(mode, merge(a, b), (x) => got.push(x))
    b.push('b1')
    await settle()
    a.push('a1')
    await settle()
    b.push('b2')
    a.push('a2')
    await settle()
    assert.deepEqual(got, ['b1', 'a1', 'b2', 'a2'])
    a.end()
    b.end()
    await done
  })

  test(`${mode}: no sources, or only empty ones, end at once`, async () => {
    assert.deepEqual(await consume(merge()), [])
    assert.deepEqual(await consume(merge([], tracked([]))), [])
  })

  test(`${mode}: a source error reaches the consumer after that source's earlier elements, and closes the others`, async () => {
    const bad = tracked([1, 2], { failAt: 2, error: new Error('boom') })
    const other = forever<number>()
    const got: number[] = []
    const run = each(mode, merge(bad, other), (x) => got.push(x))
    await assert.rejects(run, /boom/)
    assert.deepEqual(got, [1, 2])
    assert.equal(other.state.closed, true)
  })

  test(`${mode}: a failing consumer closes every source`, async () => {
    const a = tracked(range(10))
    const b = forever<number>()
    const run = each(mode, merge(a, b), () => {
      throw new Error('consumer')
    })
    await assert.rejects(run, /consumer/)
    assert.equal(a.state.closed, true)
    assert.equal(b.state.closed, true)
  })
}

test('break closes every source', async () => {
  const a = tracked(range(10))
  const b = forever<number>()
  for await (const x of merge(a, b)) {
    assert.equal(x, 0)
    break
  }
  assert.equal(a.state.closed, true)
  assert.equal(b.state.closed, true)
})

test('nothing is pulled before the first next(), and each source is read at most one element ahead', async () => {
  const a = tracked(range(100))
  const b = tracked(range(100))
  const it = merge(a, b)[Symbol.asyncIterator]()
  await settle()
  assert.equal(a.state.pulled, 0)
  assert.equal(b.state.pulled, 0)
  assert.deepEqual(await it.next(), { value: 0, done: false })
  await settle()
  // one element was taken: its source is asked once more; the other holds one untaken element
  assert.equal(a.state.pulled + b.state.pulled, 3)
  assert.ok(a.state.pulled <= 2 && b.state.pulled <= 2)
  await it.return?.()
  assert.equal(a.state.closed, true)
  assert.equal(b.state.closed, true)
})

test('next() calls made before any element arrives are answered in order', async () => {
  const a = pushable<number>()
  const it = merge(a)[Symbol.asyncIterator]()
  const p1 = it.next()
  const p2 = it.next()
  a.push(1)
  a.push(2)
  a.end()
  assert.deepEqual(await p1, { value: 1, done: false })
  assert.deepEqual(await p2, { value: 2, done: false })
  assert.deepEqual(await it.next(), { value: undefined, done: true })
})

test('driven: a slow async sink is never called again before its promise settles', async () => {
  let running = 0
  let most = 0
  const got: number[] = []
  const gen = async function* (from: number) {
    for (let i = 0; i < 20; i++) yield from + i
  }
  await pipe(
    merge(gen(0), gen(100), gen(200)),
    sink(async (x: number) => {
      running++
      most = Math.max(most, running)
      await settle(1)
      got.push(x)
      running--
    }),
  )
  assert.equal(most, 1)
  assert.equal(got.length, 60)
})

test('driven: a step that returns DONE stops merge and closes every source', async () => {
  const a = tracked(range(100))
  const b = forever<number>()
  const got: number[] = []
  let ended = false
  await drive(merge(a, b), {
    push(x) {
      got.push(x)
      return got.length === 3 ? DONE : undefined
    },
    end() {
      ended = true
    },
  })
  assert.deepEqual(got, [0, 1, 2])
  assert.equal(ended, false)
  assert.equal(a.state.closed, true)
  assert.equal(b.state.closed, true)
})

test('driven: a step whose push promise resolves DONE stops merge too', async () => {
  const a = tracked(range(100))
  const b = tracked(range(100))
  const got: number[] = []
  await drive(merge(a, b), {
    push(x) {
      got.push(x)
      return Promise.resolve(got.length === 4 ? DONE : undefined)
    },
    end() {},
  })
  assert.equal(got.length, 4)
  assert.equal(a.state.closed, true)
  assert.equal(b.state.closed, true)
})

test('driven: end() is called once after every source ended, and its promise is awaited', async () => {
  let ends = 0
  let flushed = false
  await drive(merge([1, 2], [3]), {
    push() {},
    end() {
      ends++
      return settle(1).then(() => {
        flushed = true
      })
    },
  })
  assert.equal(ends, 1)
  assert.equal(flushed, true)
})

test('works as a source in a pipeline with fused stages', async () => {
  const got = await pipe(
    merge([1, 2, 3], [10]),
    map((x) => x * 2),
    toArray(),
  )
  assert.deepEqual(
    [...got].sort((x, y) => x - y),
    [2, 4, 6, 20],
  )
})

test('no unhandled rejections when sources fail, together or after the consumer stopped', async () => {
  const seen: unknown[] = []
  const onUnhandled = (e: unknown): void => {
    seen.push(e)
  }
  process.on('unhandledRejection', onUnhandled)
  try {
    const failing = (): AsyncIterable<number> => tracked([1], { failAt: 1 })
    await assert.rejects(collect(merge(failing(), failing(), failing())))
    await assert.rejects(pipe(merge(failing(), failing()), toArray()))
    for await (const _ of merge(failing(), failing())) break
    await settle(5)
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
  assert.deepEqual(seen, [])
})

test('bad arguments throw at construction', () => {
  assert.throws(() => merge([1], 5 as unknown as number[]), {
    name: 'TypeError',
    message: /merge: source 1 must be an AsyncIterable or Iterable, got 5/,
  })
  assert.throws(() => merge(null as unknown as number[]), TypeError)
})

test('types: the element type is the union of the sources', () => {
  async function* strings(): AsyncGenerator<string> {
    yield 'a'
  }
  expectTypeOf(merge([1, 2], strings())).toEqualTypeOf<AsyncIterable<number | string>>()
})
