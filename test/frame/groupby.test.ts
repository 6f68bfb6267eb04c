import { test } from 'node:test'
import assert from 'node:assert/strict'
import pl from 'nodejs-polars'
import { col, lit, toFrame } from '../../src/frame/index.js'
import { parity } from './parity-expected.js'
import { assertClose, dtypes, parityExample, parityFrames, records } from './frame-helpers.js'

const sdf = () => toFrame(parityFrames(), { example: parityExample })

/** Per chunk, `{ key: value }` of a one-key groupby output, checking the keys come sorted. */
async function byKey(f: ReturnType<typeof sdf>, column: string): Promise<Record<string, unknown>[]> {
  const out = await records(f)
  return out.map((chunk) => {
    const keys = chunk.map((r) => r.name as string)
    assert.deepEqual(keys, [...keys].sort(), 'rows sorted by key')
    return Object.fromEntries(chunk.map((r) => [r.name as string, r[column]]))
  })
}

test('groupBy(key).col(c).sum/mean/count/var/std agree with Streamz on the same chunks', async () => {
  for (const c of ['x', 'y'] as const)
    for (const k of ['sum', 'mean', 'count', 'var', 'std'] as const) {
      const expected = parity[`g_${c}_${k}` as keyof typeof parity]
      if (expected === undefined) continue
      assertClose(await byKey(sdf().groupBy('name').col(c)[k](), c), expected, `groupBy('name').col('${c}').${k}()`)
    }
  assertClose(await byKey(sdf().groupBy('name').col('y').var({ ddof: 0 }), 'y'), parity.g_y_var0)
  assertClose(await byKey(sdf().groupBy('name').size(), 'size'), parity.g_size)
})

test('groupBy min/max per group, and without .col over every non-key numeric column', async () => {
  assert.deepEqual(await records(sdf().groupBy('name').min()), [
    [
      { name: 'a', x: 1, y: 1.5 },
      { name: 'b', x: 2, y: 0.25 },
      { name: 'c', x: 4, y: -1 },
    ],
    [
      { name: 'a', x: 1, y: 1.5 },
      { name: 'b', x: 2, y: 0.25 },
      { name: 'c', x: -3, y: -1 },
    ],
    [
      { name: 'a', x: 0, y: 0.125 },
      { name: 'b', x: 2, y: 0.25 },
      { name: 'c', x: -3, y: -1 },
      { name: 'd', x: 10, y: 0.5 },
    ],
  ])
  const max = await records(sdf().groupBy('name').max())
  assert.deepEqual(max[2], [
    { name: 'a', x: 11, y: 10 },
    { name: 'b', x: 7, y: 3 },
    { name: 'c', x: 4, y: 4 },
    { name: 'd', x: 10, y: 0.5 },
  ])
  const mean = await records(sdf().groupBy('name').mean())
  assertClose(
    mean.map((chunk) => Object.fromEntries(chunk.map((r) => [r.name as string, r.y]))),
    parity.g_y_mean,
  )
})

test('groupBy by two keys agrees with Streamz (groups with only null values have a null mean)', async () => {
  const two = sdf()
    .withColumns(col('x').modulo(lit(2)).alias('k2'))
    .groupBy(['name', 'k2'])
    .col('y')
    .mean()
  const out = await records(two)
  assertClose(
    out.map((chunk) => chunk.map((r) => [[r.name, r.k2], r.y])),
    parity.g2_y_mean,
  )
})

test('groupBy output dtypes: keys first, then the aggregated columns', () => {
  assert.deepEqual(dtypes(sdf().groupBy('name').col('x').sum().example), { name: 'String', x: 'Int64' })
  assert.deepEqual(dtypes(sdf().groupBy('name').col('x').mean().example), { name: 'String', x: 'Float64' })
  assert.deepEqual(dtypes(sdf().groupBy('name').count().example), { name: 'String', x: 'Int64', y: 'Int64' })
  assert.deepEqual(dtypes(sdf().groupBy('name').size().example), { name: 'String', size: 'Int64' })
  assert.deepEqual(dtypes(sdf().groupBy(['name', 'x']).col('y').std().example), {
    name: 'String',
    x: 'Int64',
    y: 'Float64',
  })
})

test('rows with a null key are left out (pandas dropna)', async () => {
  const schema = { k: pl.String, v: pl.Float64 }
  const chunks = [pl.DataFrame({ k: ['a', null, 'a'], v: [1, 100, 3] }, { schema })]
  const out = await records(
    toFrame(chunks, { example: chunks[0]!.head(0) })
      .groupBy('k')
      .sum(),
  )
  assert.deepEqual(out, [[{ k: 'a', v: 4 }]])
})

test('the state is per group: a long stream of few groups keeps a table of those groups', async () => {
  const schema = { k: pl.Int64, v: pl.Float64 }
  async function* chunks() {
    for (let i = 0; i < 300; i++) yield pl.DataFrame({ k: [i % 3, (i + 1) % 3], v: [i, 1] }, { schema })
  }
  let last: pl.DataFrame | undefined
  let n = 0
  for await (const df of toFrame(chunks(), { example: pl.DataFrame({ k: [], v: [] }, { schema }) })
    .groupBy('k')
    .col('v')
    .sum().stream) {
    assert.ok(df.height <= 3)
    last = df
    n++
  }
  assert.equal(n, 300)
  // sum of i over i % 3 == g, plus one per chunk where (i + 1) % 3 == g
  const expected = [0, 1, 2].map((g) => {
    let s = 0
    for (let i = 0; i < 300; i++) {
      if (i % 3 === g) s += i
      if ((i + 1) % 3 === g) s += 1
    }
    return { k: g, v: s }
  })
  assert.deepEqual(last?.toRecords(), expected)
})

test('bad arguments throw naming the argument and value', () => {
  assert.throws(
    () => sdf().groupBy('nope'),
    /StreamingFrame\.groupBy: keys must be columns of the frame \(name, x, y\), got "nope"/,
  )
  assert.throws(() => sdf().groupBy([]), /StreamingFrame\.groupBy: keys must be a column name or a non-empty array/)
  assert.throws(() => sdf().groupBy('name').col('z'), /FrameGroupBy\.col: columns must be columns of the frame/)
  assert.throws(() => sdf().groupBy('name').col('name'), /must not be a groupby key, got "name"/)
  assert.throws(
    () => sdf().groupBy('x').col('name').sum(),
    /FrameGroupBy\.sum: column "name" must be numeric, got String/,
  )
  assert.throws(
    () => sdf().groupBy('name').var({ ddof: -2 }),
    /FrameGroupBy\.var: options\.ddof must be a non-negative integer, got -2/,
  )
})

test('stopping early closes the source', async () => {
  let closed = false
  const chunks = parityFrames()
  async function* source() {
    try {
      for (;;) yield* chunks
    } finally {
      closed = true
    }
  }
  let seen = 0
  for await (const df of toFrame(source(), { example: parityExample }).groupBy('name').col('x').mean()) {
    assert.ok(df.height > 0)
    if (++seen === 2) break
  }
  assert.ok(closed)
})
