import { test } from 'node:test'
import assert from 'node:assert/strict'
import pl from 'nodejs-polars'
import type { StreamingFrame } from '../../src/frame/frame.js'
import { collect, frameOf } from './frame-helpers.js'
import type { Aggregation } from '../../src/frame/aggregate.js'
import type { WindowSpec } from '../../src/frame/window.js'
import { WINDOWS } from './window-expected.js'

function near(a: unknown, e: number | null | undefined, what: string): void {
  if (e === null) assert.equal(a, null, `${what}: expected null, got ${String(a)}`)
  else {
    assert.equal(typeof a, 'number', `${what}: expected ${String(e)}, got ${String(a)}`)
    assert.ok(
      Math.abs((a as number) - (e as number)) <= 1e-9 * Math.max(1, Math.abs(e as number)),
      `${what}: ${String(a)} vs ${String(e)}`,
    )
  }
}

// the chunks of the parity runs (the same as the Python side, where `time` is the index)
const MS = [[0, 500], [1000, 1000, 2500, 2600], [4000], [4100, 4200, 7000, 7999]]
const XS = [[1, 2], [3, null, 5, 6], [4], [7, 2.5, 8, -1]]
const NAMES = [['a', 'b'], ['a', 'c', 'b', 'a'], ['c'], ['a', 'a', 'b', 'c']]
const YS = [[1, 2], [3, 4, 5, 6], [7], [8, 9, 10, 11]]
const example = pl.DataFrame([
  pl.Series('time', [], pl.Datetime('ms')),
  pl.Series('name', [], pl.String),
  pl.Series('x', [], pl.Float64),
  pl.Series('y', [], pl.Int64),
])
const chunks = MS.map((t, i) =>
  pl.DataFrame([
    pl.Series('time', t, pl.Int64).cast(pl.Datetime('ms')),
    pl.Series('name', NAMES[i] as string[], pl.String),
    pl.Series('x', XS[i] as (number | null)[], pl.Float64),
    pl.Series('y', YS[i] as number[], pl.Int64),
  ]),
)
const sdf = frameOf(chunks, example)
const SPECS: Record<string, WindowSpec> = { n3: { n: 3 }, n5: { n: 5 }, t2s: { value: '2s', on: 'time' } }

for (const [w, spec] of Object.entries(SPECS)) {
  for (const op of ['sum', 'mean', 'count', 'var', 'std'] as const) {
    test(`window(${JSON.stringify(spec)}).${op}() matches Streamz after each chunk`, async () => {
      const got = await collect(sdf.window(spec)[op]())
      const want = WINDOWS[`${w}.${op}`] as Record<string, number | null>[]
      assert.equal(got.length, want.length)
      got.forEach((df, i) => {
        assert.deepEqual(df.columns, ['x', 'y'])
        assert.equal(df.height, 1)
        const row = df.toRecords()[0] as Record<string, unknown>
        for (const c of ['x', 'y']) near(row[c], want[i]?.[c], `${c}#${i}`)
      })
    })
  }

  test(`window(${JSON.stringify(spec)}).col('name').valueCounts() matches Streamz (zero counts dropped)`, async () => {
    const got = await collect(sdf.window(spec).col('name').valueCounts())
    const want = WINDOWS[`${w}.valueCounts`] as Record<string, number>[]
    got.forEach((df, i) => {
      assert.deepEqual(df.columns, ['name', 'count'])
      const expected = Object.entries(want[i] ?? {})
        .filter(([, n]) => n > 0)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, count]) => ({ name, count }))
      assert.deepEqual(df.toRecords(), expected, `#${i}`)
    })
  })

  for (const op of ['sum', 'mean', 'count', 'size', 'var', 'std'] as const) {
    test(`window(${JSON.stringify(spec)}).groupBy('name').${op}() matches Streamz; emptied groups disappear`, async () => {
      const g = sdf.window(spec).groupBy('name')
      const got = await collect(op === 'size' ? g.size() : g.col('x')[op]())
      const want = WINDOWS[`${w}.groupby.${op}`] as Record<string, number | null>[]
      const col = op === 'size' ? 'size' : 'x'
      got.forEach((df, i) => {
        assert.deepEqual(df.columns, ['name', col])
        const names = df.getColumn('name').toArray()
        assert.deepEqual(names, Object.keys(want[i] ?? {}).sort(), `groups #${i}`)
        const vals = df.getColumn(col).toArray()
        names.forEach((n, j) => near(vals[j], want[i]?.[n], `${n}#${i}`))
      })
    })
  }

  test(`window(${JSON.stringify(spec)}).apply(fn) hands fn the whole window`, async () => {
    const got = await collect(
      sdf.window(spec).apply((df) => df.select(pl.col('x').max().sub(pl.col('x').min()).alias('range'))),
    )
    const want = WINDOWS[`${w}.apply`] as number[]
    assert.deepEqual(
      got.map((df) => df.getColumn('range').get(0) as number),
      want,
    )
  })
}

test('window stats agree with a direct computation over random chunks and a long window', async () => {
  let s = 3
  const rnd = (): number => {
    s = (s * 16807) % 2147483647
    return s / 2147483647
  }
  const data = Array.from({ length: 80 }, () => Array.from({ length: Math.floor(rnd() * 40) }, () => 1e6 + rnd() * 100))
  const frames = data.map((x) => pl.DataFrame([pl.Series('x', x, pl.Float64)]))
  const f = frameOf(frames, pl.DataFrame([pl.Series('x', [], pl.Float64)]))
  for (const n of [1, 10, 333]) {
    const [sum, variance] = await Promise.all([collect(f.window({ n }).sum()), collect(f.window({ n }).var())])
    let seen: number[] = []
    data.forEach((x, i) => {
      seen = [...seen, ...x].slice(-n)
      const total = seen.reduce((a, b) => a + b, 0)
      near(sum[i]?.getColumn('x').get(0), total, `sum n=${n} #${i}`)
      const m = total / seen.length
      const v = seen.length > 1 ? seen.reduce((a, b) => a + (b - m) ** 2, 0) / (seen.length - 1) : null
      const got = variance[i]?.getColumn('x').get(0) as number | null
      if (v === null) assert.equal(got, null)
      else assert.ok(Math.abs((got as number) - v) <= 1e-6 * v, `var n=${n} #${i}: ${String(got)} vs ${v}`)
    })
  }
})

test('custom aggregations work with every windowing scheme (whole stream, rows, time, rolling)', async () => {
  // Streamz's Mean example as an Aggregation: the state is [total, count] of column y
  const mean: Aggregation<[number, number]> = {
    initial: () => [0, 0],
    onNew: ([t, n], rows) => {
      const next: [number, number] = [t + ((rows.getColumn('y').sum() as number | null) ?? 0), n + rows.height]
      return [next, pl.DataFrame({ y: [next[1] === 0 ? null : next[0] / next[1]] }, { schema: { y: pl.Float64 } })]
    },
    onOld: ([t, n], rows) => {
      const next: [number, number] = [t - ((rows.getColumn('y').sum() as number | null) ?? 0), n - rows.height]
      return [next, pl.DataFrame({ y: [next[1] === 0 ? null : next[0] / next[1]] }, { schema: { y: pl.Float64 } })]
    },
  }
  const values = async (f: StreamingFrame): Promise<unknown[]> =>
    (await collect(f)).map((df) => df.getColumn('y').toArray())
  assert.deepEqual(await values(sdf.aggregate(mean)), [[1.5], [3.5], [4], [6]])
  assert.deepEqual(
    await values(sdf.window({ n: 3 }).aggregate(mean)),
    (WINDOWS['n3.mean'] as { y: number }[]).map((r) => [r.y]),
  )
  assert.deepEqual(
    await values(sdf.window({ value: '2s', on: 'time' }).aggregate(mean)),
    (WINDOWS['t2s.mean'] as { y: number }[]).map((r) => [r.y]),
  )
  const rolled = await values(sdf.rolling(2).aggregate(mean))
  assert.deepEqual(rolled, [[1, 1.5], [2.5, 3.5, 4.5, 5.5], [6.5], [7.5, 8.5, 9.5, 10.5]])
})

test('argument errors name the argument and the value', () => {
  assert.throws(() => sdf.window({ n: 0 }), /window: spec\.n must be a positive integer, got 0/)
  assert.throws(() => sdf.window({ value: '2s' } as never), /needs spec\.on/)
  assert.throws(() => sdf.window({ value: '2s', on: 'nope' }), /no column "nope"/)
  assert.throws(() => sdf.window({ n: 3 }).col('name').sum(), /column "name" is String, not a numeric column/)
  assert.throws(() => sdf.window({ n: 3 }).valueCounts(), /pick exactly one column/)
  assert.throws(
    () => sdf.window({ n: 3 }).aggregate({ initial: () => 0, onNew: () => [0, example] } as never),
    /agg\.onOld/,
  )
  assert.throws(() => sdf.window({ n: 3 }).apply('f' as never), /fn must be a function/)
  assert.throws(() => sdf.window({ n: 3 }).groupBy([]), /keys must be/)
})

test("col takes names or arrays of names, as groupBy's col does", async () => {
  const a = await collect(sdf.window({ n: 3 }).col(['x', 'y']).sum())
  const b = await collect(sdf.window({ n: 3 }).col('y', 'x').sum())
  assert.deepEqual(
    a.map((df) => df.toRecords()),
    b.map((df) => df.toRecords()),
  )
  const r = await collect(sdf.rolling(2).col(['y']).sum())
  assert.deepEqual(r.at(-1)?.getColumn('y').toArray(), [15, 17, 19, 21])
  assert.throws(() => sdf.rolling(2).col(), /rolling\.col: columns must be column names/)
  assert.throws(() => sdf.window({ n: 2 }).groupBy('name').col([]), /window\.groupBy\.col: columns must be/)
})
