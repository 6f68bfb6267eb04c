import { test } from 'node:test'
import assert from 'node:assert/strict'
import pl from 'nodejs-polars'
import { col, lit, toFrame } from '../../src/frame/index.js'
import { dtypes, records } from './frame-helpers.js'

const schema = { name: pl.String, x: pl.Float64, y: pl.Float64 }
const example = pl.DataFrame({ name: [], x: [], y: [] }, { schema })
const chunk = (i: number) =>
  pl.DataFrame({ name: ['Alice', 'Bob', 'Alice'], x: [i, i + 1, i + 2], y: [10, 20, 30] }, { schema })

/**
 * A chunk that counts, through Proxies, every collect of a lazy plan built from it and every eager
 * filter/select/withColumns called on it (or on a frame it made): the real cost of a chain per chunk.
 */
function spied(df: pl.DataFrame, counts: { collects: number; eager: number }): pl.DataFrame {
  // the JS wrappers (not the native objects inside them, which must reach the native calls unwrapped)
  const isLazy = (x: unknown): x is pl.LazyDataFrame =>
    x !== null &&
    typeof x === 'object' &&
    '_ldf' in x &&
    typeof (x as { collectSync?: unknown }).collectSync === 'function'
  const isFrame = (x: unknown): x is pl.DataFrame =>
    x !== null &&
    typeof x === 'object' &&
    (x as { _df?: unknown })._df !== undefined &&
    typeof (x as { lazy?: unknown }).lazy === 'function'
  // the Proxy's own target is an empty object: polars frames are Proxies themselves, whose traps would trip
  // the invariant checks of a Proxy around them
  const wrap = <T extends object>(t: T): T =>
    new Proxy({} as T, {
      get(_, p) {
        if (p === 'then') return undefined // not a thenable
        const v: unknown = Reflect.get(t, p)
        if (typeof v !== 'function' || typeof p === 'symbol') return v
        return (...args: unknown[]) => {
          // a plan is run by a collect, or handed whole (inner()) to a native op such as concat
          if (p === 'collect' || p === 'collectSync' || (p === 'inner' && isLazy(t))) counts.collects++
          if (isFrame(t) && (p === 'filter' || p === 'select' || p === 'withColumns' || p === 'withColumn'))
            counts.eager++
          const out: unknown = (v as (...a: unknown[]) => unknown).apply(t, args)
          return isLazy(out) || isFrame(out) ? wrap(out) : out
        }
      },
    })
  return wrap(df)
}

test('filter, withColumns, assign, select compute what Polars computes', async () => {
  const sdf = toFrame([chunk(0), chunk(10)], { example })
    .filter(col('name').eq(lit('Alice')))
    .withColumns(col('x').plus(col('y')).alias('z'))
    .assign({ w: col('z').mul(lit(2)), tag: 'ok' })
    .select('name', 'z', 'w', 'tag')
  assert.deepEqual(await records(sdf), [
    [
      { name: 'Alice', z: 10, w: 20, tag: 'ok' },
      { name: 'Alice', z: 32, w: 64, tag: 'ok' },
    ],
    [
      { name: 'Alice', z: 20, w: 40, tag: 'ok' },
      { name: 'Alice', z: 42, w: 84, tag: 'ok' },
    ],
  ])
  assert.deepEqual(dtypes(sdf.example), { name: 'String', z: 'Float64', w: 'Float64', tag: 'String' })
  assert.equal(sdf.example.height, 0)
})

test('a chain of five elementwise steps costs one collect per chunk, and no eager per-step work', async () => {
  const counts = { collects: 0, eager: 0 }
  const chunks = [0, 1, 2, 3].map((i) => spied(chunk(i), counts))
  const sdf = toFrame(chunks, { example })
    .filter(col('x').gt(lit(0)))
    .withColumns(col('x').mul(lit(2)).alias('x2'))
    .assign({ z: col('x2').plus(col('y')) })
    .filter(col('z').lt(lit(100)))
    .select('name', 'z')
  const out = await records(sdf)
  assert.equal(out.length, 4)
  assert.deepEqual(out[1], [
    { name: 'Alice', z: 12 },
    { name: 'Bob', z: 24 },
    { name: 'Alice', z: 36 },
  ])
  assert.equal(counts.collects, 4, 'one collect per chunk')
  assert.equal(counts.eager, 0, 'no eager filter/select/withColumns on the chunks')
})

test('the pending plan and a reduction run as one collect per chunk too', async () => {
  const counts = { collects: 0, eager: 0 }
  const chunks = [0, 1, 2].map((i) => spied(chunk(i), counts))
  const sdf = toFrame(chunks, { example })
    .filter(col('x').gt(lit(0)))
    .withColumns(col('x').mul(lit(2)).alias('x2'))
    .select('x2')
    .sum()
  assert.deepEqual(
    (await records(sdf)).map((c) => c[0]?.x2),
    [6, 6 + 12, 6 + 12 + 18],
  )
  assert.equal(counts.collects, 3)
})

test('mapChunks runs any DataFrame function per chunk, after the pending plan', async () => {
  const sdf = toFrame([chunk(0)], { example })
    .filter(col('name').eq(lit('Bob')))
    .mapChunks((df) => df.withColumns(pl.lit(df.height).alias('rows')))
  assert.deepEqual(await records(sdf), [[{ name: 'Bob', x: 1, y: 20, rows: 1 }]])
})

test('bad arguments throw at construction, naming the argument', () => {
  const sdf = toFrame([], { example })
  assert.throws(
    () => sdf.filter('x > 0' as never),
    /StreamingFrame\.filter: predicate must be a Polars expression \(col, lit, \.\.\.\), got "x > 0"/,
  )
  assert.throws(
    () => sdf.withColumns(col('x'), 3 as never),
    /StreamingFrame\.withColumns: exprs\[1\] must be a Polars expression/,
  )
  assert.throws(
    () => sdf.assign(null as never),
    /StreamingFrame\.assign: columns must be an object of column name to expression, got null/,
  )
  assert.throws(() => sdf.assign({ z: {} as never }), /StreamingFrame\.assign: columns\.z must be a Polars expression/)
  assert.throws(
    () => sdf.select('nope'),
    /StreamingFrame\.select: columns\[0\] must be a column of the frame \(name, x, y\), got "nope"/,
  )
  assert.throws(() => sdf.select(), /StreamingFrame\.select: columns must be at least one column/)
  assert.throws(() => sdf.mapChunks(5 as never), /StreamingFrame\.mapChunks: fn must be a function, got 5/)
  // a plan Polars rejects fails at construction, against the example
  assert.throws(() => sdf.withColumns(col('nope').alias('z')), /StreamingFrame\.withColumns: .*nope/)
})
