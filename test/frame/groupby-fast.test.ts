// The running groupby's JavaScript fast path (src/frame/internal-groups.ts) against its Polars path
// (src/frame/groupby.ts), the reference: the same chunks through both must give the same tables, chunk by
// chunk — nulls and NaN in values, null keys, groups appearing mid-stream, empty chunks, every aggregation,
// String / Categorical / integer keys, integer sums that wrap and values past 2^53.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setImmediate as turn } from 'node:timers/promises'
import vm from 'node:vm'
import v8 from 'node:v8'
import pl from 'nodejs-polars'
import { StreamingFrame, toFrame } from '../../src/frame/index.js'
import { runningAggregate } from '../../src/frame/groupby.js'
import { fastGroupBy, type GroupKind } from '../../src/frame/internal-groups.js'

const KINDS: readonly GroupKind[] = ['sum', 'mean', 'count', 'size', 'min', 'max', 'var', 'std']

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 4294967296
  }
}

/** Column values: `make(row)` for each row, null with probability `nulls`. */
function values<T>(r: () => number, n: number, nulls: number, make: () => T): (T | null)[] {
  return Array.from({ length: n }, () => (r() < nulls ? null : make()))
}

const SIZES = [0, 1, 7, 50, 0, 200, 3, 120]

/**
 * Chunks with a key column `k` of `keyType` (keys drawn from a pool that grows mid-stream, some null) and
 * value columns of several dtypes with nulls (and NaN in the float ones).
 */
function chunks(keyType: pl.DataType, seed = 1): pl.DataFrame[] {
  const r = rng(seed)
  const keyOf = (i: number): unknown => {
    if (keyType.variant === 'String' || keyType.variant === 'Categorical') return `key-${String(i).padStart(2, '0')}`
    if (keyType.variant === 'Int64') return BigInt(i * 1_000_003 - 20_000_000)
    if (keyType.variant.startsWith('U')) return i * 3
    return i * 7 - 40
  }
  return SIZES.map((n, c) => {
    // chunk c draws from the first 4 + 3c keys: new groups keep appearing
    const pool = 4 + 3 * c
    const key = values(r, n, 0.08, () => keyOf(Math.floor(r() * pool)))
    const f = values(r, n, 0.1, () => (r() < 0.04 ? NaN : Math.round((r() - 0.5) * 2000) / 8))
    const f32 = values(r, n, 0.1, () => Math.round((r() - 0.3) * 100) / 4)
    const i64 = values(r, n, 0.1, () => Math.floor((r() - 0.5) * 1e6))
    const i32 = values(r, n, 0.1, () => Math.floor((r() - 0.5) * 2e9))
    const u32 = values(r, n, 0.1, () => Math.floor(r() * 4e9))
    const i8 = values(r, n, 0.1, () => Math.floor((r() - 0.5) * 250))
    const u16 = values(r, n, 0.1, () => Math.floor(r() * 65535))
    const s = values(r, n, 0.2, () => 'v')
    const allNull = Array.from({ length: n }, () => null)
    const df = pl.DataFrame([
      keyType.variant === 'Int64'
        ? pl.Series(
            'k',
            key.map((x) => (x === null ? null : Number(x))),
            pl.Int64,
          )
        : keyType.variant === 'Categorical'
          ? pl.Series('k', key, pl.String).cast(pl.Categorical)
          : pl.Series('k', key, keyType),
      pl.Series('f', f, pl.Float64),
      pl.Series('f32', f32, pl.Float32),
      pl.Series('i64', i64, pl.Int64),
      pl.Series('i32', i32, pl.Int32),
      pl.Series('u32', u32, pl.UInt32),
      pl.Series('i8', i8, pl.Int8),
      pl.Series('u16', u16, pl.UInt16),
      pl.Series('s', s, pl.String),
      pl.Series('none', allNull, pl.Float64),
    ])
    return df
  })
}

function frameOver(dfs: readonly pl.DataFrame[]): StreamingFrame {
  return toFrame(dfs, { example: (dfs[0] as pl.DataFrame).head(0) })
}

/** Every chunk's table, columns as exact strings (floats rounded to a relative 1e-9, or 1e-6 for Float32). */
async function tables(sdf: StreamingFrame): Promise<Record<string, string[]>[]> {
  const out: Record<string, string[]>[] = []
  for await (const df of sdf.stream) {
    const t: Record<string, string[]> = {}
    for (const c of df.columns) {
      const s: pl.Series = df.getColumn(c)
      const v: string = (s.dtype as pl.DataType).variant
      if (v === 'Float64' || v === 'Float32') {
        const digits = v === 'Float32' ? 6 : 9
        t[`${c}:${v}`] = (s.toArray() as (number | null)[]).map((x) => (x === null ? 'null' : x.toPrecision(digits)))
      } else t[`${c}:${v}`] = s.cast(pl.String).toArray()
    }
    out.push(t)
  }
  return out
}

async function compare(dfs: pl.DataFrame[], cols: readonly string[], kind: GroupKind, ddof = 1): Promise<void> {
  const label = `${kind}(${cols.join(', ')}) by ${String(dfs[0]?.getColumn('k').dtype)}`
  const fast = runningAggregate(frameOver(dfs), ['k'], cols, kind, ddof)
  const ref = runningAggregate(frameOver(dfs), ['k'], cols, kind, ddof, 'polars')
  assert.ok(
    fastGroupBy(frameOver(dfs), (dfs[0] as pl.DataFrame).head(0), 'k', cols, kind, ddof, fast.example) !== undefined,
    `${label}: takes the fast path`,
  )
  assert.deepEqual(await tables(fast), await tables(ref), label)
}

const VALUE_COLUMNS: Record<GroupKind, readonly string[]> = {
  sum: ['f', 'f32', 'i64', 'i32', 'u32', 'i8', 'u16', 'none'],
  mean: ['f', 'f32', 'i64', 'i32', 'u32', 'i8', 'u16', 'none'],
  count: ['f', 'i64', 's', 'none'],
  size: [],
  min: ['f', 'f32', 'i64', 'i32', 'u32', 'i8', 'u16', 'none'],
  max: ['f', 'f32', 'i64', 'i32', 'u32', 'i8', 'u16', 'none'],
  var: ['f', 'f32', 'i64', 'i32', 'u32', 'i8', 'none'],
  std: ['f', 'i64', 'i8', 'none'],
}

for (const keyType of [pl.String, pl.Categorical, pl.Int64, pl.Int32, pl.UInt8, pl.Int16]) {
  test(`fast groupby by a ${String(keyType)} key equals the Polars path for every aggregation`, async () => {
    const dfs = chunks(keyType)
    for (const kind of KINDS) await compare(dfs, VALUE_COLUMNS[kind], kind)
    await compare(dfs, ['f', 'i32'], 'var', 0)
    await compare(dfs, ['f', 'i32'], 'std', 3)
  })
}

test('integer sums wrap as Polars does, and 64-bit values past 2^53 stay exact', async () => {
  const big = 2n ** 62n
  // (typed arrays: nodejs-polars 0.25 reads BigInts in plain arrays as nulls)
  const frame = (k: string[], i64: bigint[], u64: bigint[], i32: number[], u32: number[]): pl.DataFrame =>
    pl.DataFrame([
      pl.Series('k', k, pl.String),
      pl.Series('i64', BigInt64Array.from(i64)),
      pl.Series('u64', BigUint64Array.from(u64)),
      pl.Series('i32', Int32Array.from(i32)),
      pl.Series('u32', Uint32Array.from(u32)),
    ])
  const dfs = [
    frame(
      ['a', 'a', 'b', 'b', 'c'],
      [big, big, 9007199254740993n, 1n, -big],
      [2n ** 63n, 2n ** 63n, 9007199254740993n, 3n, 5n],
      [2147483647, 1, -2147483648, -1, 5],
      [4294967295, 2, 7, 8, 9],
    ),
    frame(
      ['a', 'b', 'c', 'c'],
      [big, 9007199254740992n, -big, -big],
      [1n, 9007199254740992n, 2n ** 64n - 1n, 1n],
      [2147483647, -1, 3, 4],
      [4294967295, 1, 1, 1],
    ),
    frame(['b'], [5n], [5n], [5], [5]),
  ]
  for (const kind of ['sum', 'min', 'max', 'mean'] as const) await compare(dfs, ['i64', 'u64', 'i32', 'u32'], kind)
  // and the exact values, not only agreement: a + a + a wraps past 2^63; b's extremes differ only past 2^53
  const sums = await tables(runningAggregate(frameOver(dfs), ['k'], ['i64'], 'sum', 1))
  assert.deepEqual(sums[1]?.['i64:Int64'], [
    String(BigInt.asIntN(64, 3n * big)),
    '18014398509481986',
    String(BigInt.asIntN(64, -3n * big)),
  ])
  const max = await tables(runningAggregate(frameOver(dfs), ['k'], ['i64'], 'max', 1))
  assert.deepEqual(max[0]?.['i64:Int64'], [String(big), '9007199254740993', String(-big)])
  const min = await tables(runningAggregate(frameOver(dfs), ['k'], ['i64'], 'min', 1))
  assert.deepEqual(min[1]?.['i64:Int64'], [String(big), '1', String(-big)])
})

test('string keys keep their groups when Polars frees its categorical mapping between chunks', async () => {
  // Casting to Categorical numbers strings in a global mapping that Polars frees once no Categorical is left;
  // the next cast numbers from 0 again. Force collections between chunks, with the keys in a different
  // order each time, so the fast path would mix groups up if it did not keep the mapping alive.
  v8.setFlagsFromString('--expose-gc')
  const gc = vm.runInNewContext('gc') as () => void
  const schema = { k: pl.String, x: pl.Float64 }
  const orders = [
    ['p', 'q', 'r'],
    ['r', 'q', 'p', 's'],
    ['s', 'r', 'p'],
    ['t', 'p', 'q', 'r', 's'],
  ]
  async function* source(): AsyncGenerator<pl.DataFrame> {
    for (const [i, keys] of orders.entries()) {
      for (let j = 0; j < 3; j++) {
        gc()
        await turn()
      }
      yield pl.DataFrame({ k: keys, x: keys.map((_, j) => 10 * i + j) }, { schema })
    }
  }
  const example = pl.DataFrame({ k: [], x: [] }, { schema })
  const got = await tables(toFrame(source(), { example }).groupBy('k').col('x').sum())
  const want = await tables(runningAggregate(toFrame(source(), { example }), ['k'], ['x'], 'sum', 1, 'polars'))
  assert.deepEqual(got, want)
  assert.deepEqual(
    got.at(-1)?.['x:Float64'],
    ['65', '44', '66', '67', '30'].map((x) => Number(x).toPrecision(9)),
  )
})

test('categorical keys come sorted as the Polars path sorts them', async () => {
  // strings new to the process's categorical mapping, first seen in reverse order: their codes and their
  // lexical order differ
  const cat = (keys: string[]): pl.Series => pl.Series('k', keys, pl.String).cast(pl.Categorical)
  const dfs = [
    pl.DataFrame([cat(['sort-z', 'sort-m', 'sort-z']), pl.Series('x', [1, 2, 3])]),
    pl.DataFrame([cat(['sort-a', 'sort-m']), pl.Series('x', [4, 5])]),
  ]
  await compare(dfs, ['x'], 'sum')
  const out = await tables(runningAggregate(frameOver(dfs), ['k'], ['x'], 'sum', 1))
  assert.deepEqual(out[1]?.['k:Categorical'], ['sort-a', 'sort-m', 'sort-z'])
})

test('the fast path leaves other keys to the Polars path', () => {
  const df = pl.DataFrame({ k: [true, false], d: [new Date(0), new Date(1)], x: [1.5, 2.5] })
  const sdf = toFrame([df], { example: df.head(0) })
  const ex = sdf.groupBy('k').col('x').sum().example
  assert.equal(fastGroupBy(sdf, df.head(0), 'k', ['x'], 'sum', 1, ex), undefined)
  assert.equal(fastGroupBy(sdf, df.head(0), 'd', ['x'], 'sum', 1, sdf.groupBy('d').col('x').sum().example), undefined)
})
