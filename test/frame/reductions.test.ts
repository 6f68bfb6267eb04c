import { test } from 'node:test'
import assert from 'node:assert/strict'
import pl from 'nodejs-polars'
import { toFrame } from '../../src/frame/index.js'
import { parity } from './parity-expected.js'
import { assertClose, dtypes, parityExample, parityFrames, records } from './frame-helpers.js'

const sdf = () => toFrame(parityFrames(), { example: parityExample })
/** One dict per chunk from single-row outputs. */
const rows = async (f: ReturnType<typeof sdf>) => (await records(f)).map((r) => r[0])

test('sum, mean, count agree with Streamz on the same chunks (numeric columns)', async () => {
  assertClose(await rows(sdf().sum()), parity.sum)
  assertClose(await rows(sdf().mean()), parity.mean)
  assertClose(await rows(sdf().select('x', 'y').count()), parity.count)
  assertClose(await rows(sdf().count()), parity.countAll)
})

test('size counts elements (rows × columns) like pandas/Streamz size', async () => {
  // Streamz ran size over all three columns
  assert.deepEqual(
    (await rows(sdf().size())).map((r) => r?.size),
    [...parity.size],
  )
  assert.deepEqual(
    (await rows(sdf().select('x', 'y').size())).map((r) => r?.size),
    parity.size.map((n) => (n / 3) * 2),
  )
})

test('var, std (ddof 1 and 0), min, max agree with pandas over the concatenated chunks', async () => {
  assertClose(
    await rows(sdf().var()),
    parity.pandas.map((p) => p.var),
  )
  assertClose(
    await rows(sdf().std()),
    parity.pandas.map((p) => p.std),
  )
  assertClose(
    await rows(sdf().var({ ddof: 0 })),
    parity.pandas.map((p) => p.var0),
  )
  assertClose(
    await rows(sdf().min()),
    parity.pandas.map((p) => p.min),
  )
  assertClose(
    await rows(sdf().max()),
    parity.pandas.map((p) => p.max),
  )
})

test('cumsum, cumprod, cummin, cummax carry across chunks like Streamz; nulls stay in place', async () => {
  for (const k of ['cumsum', 'cumprod', 'cummin', 'cummax'] as const) {
    const got = (await records(sdf()[k]())).map((chunk) => chunk.map(({ x, y }) => ({ x, y })))
    assertClose(got, parity[k])
  }
})

test('cum* keep non-numeric columns as they are and the input dtypes', async () => {
  const out = await records(sdf().cumsum())
  assert.deepEqual(
    out.map((c) => c.map((r) => r.name)),
    [
      ['a', 'b', 'a', 'c', 'b', 'a'],
      ['b', 'c'],
      ['d', 'a', 'a', 'b'],
    ],
  )
  assert.deepEqual(dtypes(sdf().cumsum().example), { name: 'String', x: 'Int64', y: 'Float64' })
})

test('output shapes: one row per chunk; sum/min/max keep dtypes, mean/var/std Float64, count Int64', async () => {
  assert.deepEqual(dtypes(sdf().sum().example), { x: 'Int64', y: 'Float64' })
  assert.deepEqual(dtypes(sdf().min().example), { x: 'Int64', y: 'Float64' })
  assert.deepEqual(dtypes(sdf().mean().example), { x: 'Float64', y: 'Float64' })
  assert.deepEqual(dtypes(sdf().std().example), { x: 'Float64', y: 'Float64' })
  assert.deepEqual(dtypes(sdf().count().example), { name: 'Int64', x: 'Int64', y: 'Int64' })
  assert.deepEqual(dtypes(sdf().size().example), { size: 'Int64' })
  for await (const df of sdf().sum().stream) {
    assert.equal(df.height, 1)
    assert.deepEqual(dtypes(df), { x: 'Int64', y: 'Float64' })
  }
})

test('var is null until a column has more than ddof values; mean of no values is null', async () => {
  const example = pl.DataFrame({ v: [] }, { schema: { v: pl.Float64 } })
  const chunks = [
    pl.DataFrame({ v: [null] }, { schema: { v: pl.Float64 } }),
    pl.DataFrame({ v: [2] }, { schema: { v: pl.Float64 } }),
    pl.DataFrame({ v: [4] }, { schema: { v: pl.Float64 } }),
  ]
  const f = () => toFrame(chunks, { example })
  assert.deepEqual(
    (await rows(f().var())).map((r) => r?.v),
    [null, null, 2],
  )
  assert.deepEqual(
    (await rows(f().mean())).map((r) => r?.v),
    [null, 2, 3],
  )
  assert.deepEqual(
    (await rows(f().min())).map((r) => r?.v),
    [null, 2, 2],
  )
})

test('running var stays accurate over many chunks with a large offset (merged, not sum of squares)', async () => {
  const chunks = Array.from({ length: 200 }, (_, i) =>
    pl.DataFrame({ v: [1e9 + i, 1e9 + i + 1, 1e9 + i + 2] }, { schema: { v: pl.Float64 } }),
  )
  const all: number[] = chunks.flatMap((c) => c.getColumn('v').toArray())
  const mean = all.reduce((a, b) => a + b, 0) / all.length
  const expected = all.reduce((a, b) => a + (b - mean) ** 2, 0) / (all.length - 1)
  let last: unknown
  for await (const df of toFrame(chunks, { example: chunks[0]!.head(0) }).var().stream) last = df.toRecords()[0]?.v
  assertClose(last, expected)
})

test('bad arguments throw naming the argument', () => {
  assert.throws(
    () => sdf().var({ ddof: -1 }),
    /StreamingFrame\.var: options\.ddof must be a non-negative integer, got -1/,
  )
  assert.throws(() => sdf().std({ ddof: 0.5 }), /options\.ddof/)
  const strings = toFrame([], { example: pl.DataFrame({ s: [] }, { schema: { s: pl.String } }) })
  assert.throws(() => strings.sum(), /StreamingFrame\.sum: the frame has no numeric columns \(s\)/)
  assert.throws(() => strings.cumsum(), /StreamingFrame\.cumsum: the frame has no numeric columns/)
})

test('cum* carry over empty and all-null chunks', async () => {
  const schema = { v: pl.Float64 }
  const chunks = [
    pl.DataFrame({ v: [2, 3] }, { schema }),
    pl.DataFrame({ v: [] }, { schema }),
    pl.DataFrame({ v: [null] }, { schema }),
    pl.DataFrame({ v: [1, null, 5] }, { schema }),
  ]
  const f = () => toFrame(chunks, { example: chunks[1]! })
  const values = async (sdf: ReturnType<typeof f>) => (await records(sdf)).map((c) => c.map((r) => r.v))
  assert.deepEqual(await values(f().cumsum()), [[2, 5], [], [null], [6, null, 11]])
  assert.deepEqual(await values(f().cumprod()), [[2, 6], [], [null], [6, null, 30]])
  assert.deepEqual(await values(f().cummin()), [[2, 2], [], [null], [1, null, 1]])
  assert.deepEqual(await values(f().cummax()), [[2, 3], [], [null], [3, null, 5]])
})
