import { test } from 'node:test'
import assert from 'node:assert/strict'
import pl from 'nodejs-polars'
import { collect, frameOf } from './frame-helpers.js'
import type { Aggregation } from '../../src/frame/aggregate.js'
import { Rolling } from '../../src/frame/rolling.js'
import { ROWS, ROWS_QUANTILE_4, TIME_2S } from './rolling-expected.js'

function close(actual: (number | null)[], expected: (number | null)[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`)
  expected.forEach((e, i) => {
    const a = actual[i]
    if (e === null) assert.equal(a, null, `${what}[${i}]: expected null, got ${String(a)}`)
    else {
      assert.equal(typeof a, 'number', `${what}[${i}]: expected ${e}, got ${String(a)}`)
      assert.ok(Math.abs((a as number) - e) <= 1e-9 * Math.max(1, Math.abs(e)), `${what}[${i}]: ${String(a)} vs ${e}`)
    }
  })
}

// the chunks of the parity runs (the same as the Python side)
const XS = [[1, 2], [3, null, 5, 6, 4], [7], [2.5, 8, -1, 0]]
const YS = [[1, 2], [3, 4, 5, 6, 7], [8], [9, 10, 11, 12]]
const rowsExample = pl.DataFrame([pl.Series('x', [], pl.Float64), pl.Series('y', [], pl.Int64)])
const rowsFrame = frameOf(
  XS.map((x, i) => pl.DataFrame([pl.Series('x', x, pl.Float64), pl.Series('y', YS[i] as number[], pl.Int64)])),
  rowsExample,
)

for (const key of Object.keys(ROWS)) {
  const op = key.replace(/\d+$/, '') as 'sum' | 'mean' | 'count' | 'min' | 'max' | 'median' | 'var' | 'std'
  const w = Number(key.slice(op.length))
  test(`rolling(${w}).${op}() matches Streamz + pandas chunk by chunk (nulls where pandas gives NaN)`, async () => {
    const got = await collect(rowsFrame.rolling(w)[op]())
    const want = ROWS[key] as Record<string, (number | null)[]>[]
    assert.equal(got.length, want.length)
    got.forEach((df, i) => {
      assert.deepEqual(df.columns, ['x', 'y'])
      assert.equal(String(df.getColumn('x').dtype), String(pl.Float64))
      for (const c of ['x', 'y']) close(df.getColumn(c).toArray() as (number | null)[], want[i]?.[c] ?? [], `${c}#${i}`)
    })
  })
}

for (const [q, want] of Object.entries(ROWS_QUANTILE_4)) {
  test(`rolling(4).col('x').quantile(${q}) matches pandas (linear interpolation)`, async () => {
    const got = await collect(rowsFrame.rolling(4).col('x').quantile(Number(q)))
    got.forEach((df, i) => {
      assert.deepEqual(df.columns, ['x'])
      close(df.getColumn('x').toArray() as (number | null)[], want[i] ?? [], `#${i}`)
    })
  })
}

const TIMES = [[0, 500], [1000, 1000, 2500, 2600], [4000], [4100, 4200, 7000, 7999]]
const TXS = [[1, 2], [3, null, 5, 6], [4], [7, 2.5, 8, -1]]
const timeExample = pl.DataFrame([pl.Series('time', [], pl.Datetime('ms')), pl.Series('x', [], pl.Float64)])
const timeChunks = TIMES.map((t, i) =>
  pl.DataFrame([
    pl.Series('time', t, pl.Int64).cast(pl.Datetime('ms')),
    pl.Series('x', TXS[i] as number[], pl.Float64),
  ]),
)
const timeFrame = frameOf(timeChunks, timeExample)

for (const [key, want] of Object.entries(TIME_2S)) {
  test(`rolling('2s', { on: 'time' }).${key} matches Streamz on a datetime index`, async () => {
    const r = timeFrame.rolling('2s', { on: 'time' }).col('x')
    const sdf = key.startsWith('q') ? r.quantile(0.25) : r[key as 'sum']()
    const got = await collect(sdf)
    assert.equal(got.length, want.length)
    got.forEach((df, i) => {
      assert.deepEqual(df.columns, ['time', 'x'])
      assert.deepEqual(df.getColumn('time').toArray(), timeChunks[i]?.getColumn('time').toArray())
      close(df.getColumn('x').toArray() as (number | null)[], want[i] ?? [], `#${i}`)
    })
  })
}

test('a time window works the same in us and ns units and on a numeric column', async () => {
  const want = TIME_2S.sum as (number | null)[][]
  for (const unit of ['us', 'ns'] as const) {
    const scale = unit === 'us' ? 1000 : 1_000_000
    const chunks = TIMES.map((t, i) =>
      pl.DataFrame([
        pl
          .Series(
            'time',
            BigInt64Array.from(t, (v) => BigInt(v * scale + 1_700_000_000_000 * scale)) as unknown as number[],
          )
          .cast(pl.Datetime(unit)),
        pl.Series('x', TXS[i] as number[], pl.Float64),
      ]),
    )
    const ex = pl.DataFrame([pl.Series('time', [], pl.Datetime(unit)), pl.Series('x', [], pl.Float64)])
    const got = await collect(frameOf(chunks, ex).rolling('2s', { on: 'time' }).sum())
    got.forEach((df, i) => close(df.getColumn('x').toArray() as (number | null)[], want[i] ?? [], `${unit}#${i}`))
  }
  const numeric = TIMES.map((t, i) => pl.DataFrame([pl.Series('t', t, pl.Int64), pl.Series('x', TXS[i] as number[])]))
  const ex = pl.DataFrame([pl.Series('t', [], pl.Int64), pl.Series('x', [], pl.Float64)])
  const got = await collect(frameOf(numeric, ex).rolling(2000, { on: 't' }).col('x').sum())
  got.forEach((df, i) => close(df.getColumn('x').toArray() as (number | null)[], want[i] ?? [], `numeric#${i}`))
})

test('minPeriods lowers the rows needed before a result', async () => {
  const got = await collect(new Rolling(rowsFrame, 3, { minPeriods: 1 }).col('y').sum())
  assert.deepEqual(
    got.map((df) => df.getColumn('y').toArray()),
    [[1, 3], [6, 9, 12, 15, 18], [21], [24, 27, 30, 33]],
  )
})

/** Random chunks of random heights, with some missing values, and a direct computation to compare with. */
function randomChunks(seed: number, count: number, maxHeight: number): number[][] {
  let s = seed
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
  return Array.from({ length: count }, () =>
    Array.from({ length: Math.floor(rnd() * maxHeight) }, () => (rnd() < 0.05 ? NaN : Math.round(rnd() * 1000) / 10)),
  )
}

function direct(op: string, win: number[], q: number): number {
  const v = win.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b)
  const n = v.length
  if (n === 0) return op === 'count' ? 0 : NaN
  const sum = v.reduce((a, b) => a + b, 0)
  const at = (p: number): number => {
    const idx = p * (n - 1)
    const lo = Math.floor(idx)
    return lo === idx ? (v[lo] as number) : (v[lo] as number) + ((v[lo + 1] as number) - (v[lo] as number)) * (idx - lo)
  }
  switch (op) {
    case 'sum':
      return sum
    case 'mean':
      return sum / n
    case 'count':
      return n
    case 'min':
      return v[0] as number
    case 'max':
      return v[n - 1] as number
    case 'median':
      return n % 2 ? (v[(n - 1) / 2] as number) : ((v[n / 2 - 1] as number) + (v[n / 2] as number)) / 2
    case 'quantile':
      return at(q)
    default: {
      if (n < 2) return NaN
      const m = sum / n
      const ss = v.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1)
      return op === 'std' ? Math.sqrt(ss) : ss
    }
  }
}

test('every statistic agrees with a direct computation over random chunks (windows of 1, 7, 50 rows)', async () => {
  const data = randomChunks(7, 60, 25)
  const flat = data.flat()
  const chunks = data.map((x) => pl.DataFrame([pl.Series('x', x, pl.Float64)]))
  const sdf = frameOf(chunks, pl.DataFrame([pl.Series('x', [], pl.Float64)]))
  for (const w of [1, 7, 50]) {
    for (const op of ['sum', 'mean', 'count', 'min', 'max', 'median', 'quantile', 'var', 'std']) {
      const r = new Rolling(sdf, w, { minPeriods: 1 })
      const out = await collect(op === 'quantile' ? r.quantile(0.37) : r[op as 'sum']())
      const got = out.flatMap((df) => df.getColumn('x').toArray() as (number | null)[])
      assert.equal(got.length, flat.length)
      got.forEach((g, i) => {
        const e = direct(op, flat.slice(Math.max(0, i - w + 1), i + 1), 0.37)
        if (Number.isNaN(e)) assert.equal(g, null, `${op} w=${w} row ${i}`)
        else
          assert.ok(
            Math.abs((g as number) - e) < 1e-9 * Math.max(1, Math.abs(e)),
            `${op} w=${w} row ${i}: ${g} vs ${e}`,
          )
      })
    }
  }
})

test('sum and mean of a full window agree with a direct computation as missing values come and go', async () => {
  // Mostly full windows without a missing value (the kernel's steady-state loop), a rare NaN or null that
  // hands over to the general loop mid-chunk and back at a later chunk, and large values among small ones.
  // Values are integers whose sums stay below 2^53, so the direct sums are exact and so must the results be.
  let s = 11
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
  const data = Array.from({ length: 40 }, () =>
    Array.from({ length: 1 + Math.floor(rnd() * 120) }, () => {
      const r = rnd()
      return r < 0.004 ? NaN : r < 0.008 ? null : r < 0.02 ? 1e12 * Math.round(r * 1000) : Math.round(rnd() * 100)
    }),
  )
  const flat = data.flat().map((x) => (x === null ? NaN : x))
  const chunks = data.map((x) => pl.DataFrame([pl.Series('x', x, pl.Float64)]))
  const sdf = frameOf(chunks, pl.DataFrame([pl.Series('x', [], pl.Float64)]))
  for (const w of [3, 40, 200])
    for (const minPeriods of [undefined, 1])
      for (const op of ['sum', 'mean'] as const) {
        const out = await collect(new Rolling(sdf, w, minPeriods === undefined ? {} : { minPeriods })[op]())
        const got = out.flatMap((df) => df.getColumn('x').toArray() as (number | null)[])
        got.forEach((g, i) => {
          const win = flat.slice(Math.max(0, i - w + 1), i + 1).filter((x) => !Number.isNaN(x))
          const e = win.length < (minPeriods ?? w) ? NaN : direct(op, win, 0)
          if (Number.isNaN(e)) assert.equal(g, null, `${op} w=${w} row ${i}`)
          else assert.equal(g, e, `${op} w=${w} minPeriods=${String(minPeriods)} row ${i}`)
        })
      }
})

test('rolling var stays accurate over a long stream with a large offset (Welford, not sums of squares)', async () => {
  const n = 1000
  const chunks: pl.DataFrame[] = []
  const all: number[] = []
  let s = 1
  for (let c = 0; c < 200; c++) {
    const xs = Array.from({ length: 1000 }, () => {
      s = (s * 16807) % 2147483647
      return 1e9 + (s / 2147483647) * 10
    })
    all.push(...xs)
    chunks.push(pl.DataFrame([pl.Series('x', xs, pl.Float64)]))
  }
  const sdf = frameOf(chunks, pl.DataFrame([pl.Series('x', [], pl.Float64)]))
  const out = await collect(sdf.rolling(n).var())
  const last = out.at(-1)?.getColumn('x').toArray() as number[]
  for (const k of [0, 500, 999]) {
    const end = all.length - 1000 + k + 1
    const win = all.slice(end - n, end)
    const m = win.reduce((a, b) => a + b, 0) / n
    const v = win.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1)
    assert.ok(Math.abs((last[k] as number) - v) / v < 1e-6, `row ${k}: ${String(last[k])} vs ${v}`)
  }
})

test('a window of 1,000,000 rows keeps its state across 10,000-row chunks', async () => {
  const chunks = Array.from({ length: 120 }, (_, c) =>
    pl.DataFrame([
      pl.Series(
        'x',
        Float64Array.from({ length: 10_000 }, (_, i) => c * 10_000 + i),
      ),
    ]),
  )
  const sdf = frameOf(chunks, pl.DataFrame([pl.Series('x', [], pl.Float64)]))
  const out = await collect(sdf.rolling(1_000_000).mean())
  assert.equal(out[98]?.getColumn('x').get(9_998), null) // row 999,998: one row short
  assert.equal(out[99]?.getColumn('x').get(9_999), 499_999.5) // row 999,999: the first full window
  assert.equal(out[119]?.getColumn('x').get(9_999), 699_999.5)
  const mx = await collect(sdf.rolling(1_000_000).max())
  assert.equal(mx[119]?.getColumn('x').get(0), 1_190_000)
})

test('rolling.aggregate runs a custom aggregation row by row', async () => {
  // sum of x over the window, with onOld taking leaving rows out
  const sum: Aggregation<number> = {
    initial: () => 0,
    onNew: (s, rows) => {
      const t = s + ((rows.getColumn('y').sum() as number | null) ?? 0)
      return [t, pl.DataFrame({ y: [t] })]
    },
    onOld: (s, rows) => {
      const t = s - ((rows.getColumn('y').sum() as number | null) ?? 0)
      return [t, pl.DataFrame({ y: [t] })]
    },
  }
  const got = await collect(rowsFrame.rolling(3).aggregate(sum))
  assert.deepEqual(
    got.map((df) => df.getColumn('y').toArray()),
    [[1, 3], [6, 9, 12, 15, 18], [21], [24, 27, 30, 33]],
  )
  const t = await collect(
    timeFrame.rolling('2s', { on: 'time' }).aggregate({
      initial: () => 0,
      onNew: (n: number, rows) => [n + rows.height, pl.DataFrame({ n: [n + rows.height] })],
      onOld: (n: number, rows) => [n - rows.height, pl.DataFrame({ n: [n - rows.height] })],
    }),
  )
  // rows in each 2 s window, missing values included
  assert.deepEqual(
    t.map((df) => df.getColumn('n').toArray()),
    [[1, 2], [3, 4, 3, 4], [3], [4, 5, 1, 2]],
  )
})

test('argument errors name the argument and the value', () => {
  assert.throws(() => rowsFrame.rolling(0), /rolling: window must be a positive integer, got 0/)
  assert.throws(() => rowsFrame.rolling('2s'), /options\.on/)
  assert.throws(() => rowsFrame.rolling(3).col('z'), /no column "z"/)
  assert.throws(() => rowsFrame.rolling('2s', { on: 'x' }), /positive number/)
  assert.throws(() => timeFrame.rolling('soon', { on: 'time' }), /duration/)
  assert.throws(() => rowsFrame.rolling(3).quantile(2), /q must be a number in \[0, 1\], got 2/)
  assert.throws(() => rowsFrame.rolling(3).aggregate({ initial: () => 0 } as never), /agg\.onNew must be a function/)
})

test('times that go backwards end the stream with an error naming the column', async () => {
  const chunks = [pl.DataFrame([pl.Series('t', [5, 3], pl.Int64), pl.Series('x', [1, 2], pl.Float64)])]
  const sdf = frameOf(chunks, chunks[0]?.head(0) as pl.DataFrame)
  await assert.rejects(collect(sdf.rolling(10, { on: 't' }).sum()), /column "t" must be sorted ascending/)
})

test('time spans agree with a direct computation over random times (ties, gaps, missing values)', async () => {
  const data = randomChunks(11, 40, 20)
  let t = 0
  let s = 5
  const times = data.map((x) =>
    x.map(() => {
      s = (s * 48271) % 2147483647
      t += Math.floor((s / 2147483647) * 4) // steps of 0 to 3 ms: ties included
      return t
    }),
  )
  const flatX = data.flat()
  const flatT = times.flat()
  const chunks = data.map((x, i) =>
    pl.DataFrame([pl.Series('t', times[i] as number[], pl.Int64), pl.Series('x', x, pl.Float64)]),
  )
  const sdf = frameOf(chunks, pl.DataFrame([pl.Series('t', [], pl.Int64), pl.Series('x', [], pl.Float64)]))
  for (const span of [1, 5, 40]) {
    for (const op of ['sum', 'mean', 'count', 'min', 'max', 'median', 'quantile', 'var', 'std']) {
      const r = sdf.rolling(span, { on: 't' }).col('x')
      const out = await collect(op === 'quantile' ? r.quantile(0.8) : r[op as 'sum']())
      const got = out.flatMap((df) => df.getColumn('x').toArray() as (number | null)[])
      got.forEach((g, i) => {
        const ti = flatT[i] as number
        let from = i
        while (from > 0 && (flatT[from - 1] as number) > ti - span) from--
        const e = direct(op, flatX.slice(from, i + 1), 0.8)
        if (Number.isNaN(e)) assert.equal(g, null, `${op} span=${span} row ${i}`)
        else assert.ok(Math.abs((g as number) - e) < 1e-9 * Math.max(1, Math.abs(e)), `${op} span=${span} row ${i}`)
      })
    }
  }
})
