import pl from 'nodejs-polars'
import { checkObject, fail, show } from '../internal/check.js'
import { StreamingFrame } from './frame.js'
import type { ReductionOptions } from './reductions.js'
import { dtypeName, isNumeric, numericColumns, schemaOf } from './internal/dtypes.js'
import { fastGroupBy, type GroupKind } from './internal-groups.js'

/** A prefix for the state's own column names, so they never meet a user's column. */
const P = '\u0001'

/**
 * Running groupby-aggregations of a {@link StreamingFrame} (Streamz `sdf.groupby('name').amount.mean()`), made
 * by {@link StreamingFrame.groupBy}. Each aggregation returns a new frame that emits, per chunk, the whole
 * updated table: one row per group seen so far, key columns first, sorted by the keys.
 *
 * The state is one small table per group (counts, sums, means and sums of squared deviations, minima, maxima:
 * only what the aggregation needs), so a chunk costs O(chunk + groups) however long the stream. With one key
 * column of String, Categorical or integer dtype the state is kept in JavaScript and each chunk is folded
 * into it in one pass per column; otherwise each chunk is grouped by Polars and merged with the state in the
 * chunk's own lazy plan. Both give the same results. Rows whose key is null are left out (as pandas'
 * `dropna=True`).
 * @example
 * ```ts
 * sdf.groupBy('name').col('amount').mean() // { name, amount } per group
 * sdf.groupBy(['region', 'name']).col(['x', 'y']).sum()
 * sdf.groupBy('name').size() // { name, size }
 * ```
 */
export class FrameGroupBy {
  readonly #frame: StreamingFrame
  readonly #keys: readonly string[]
  readonly #columns: readonly string[] | undefined

  /** @internal */
  constructor(frame: StreamingFrame, keys: string | readonly string[], columns?: readonly string[]) {
    const ks: readonly string[] = typeof keys === 'string' ? [keys] : keys
    if (!isList(ks) || ks.length === 0)
      fail(TypeError, 'StreamingFrame.groupBy', 'keys', 'a column name or a non-empty array of them', keys)
    const names = frame.example.columns
    for (const k of ks)
      if (typeof k !== 'string' || !names.includes(k))
        throw new RangeError(
          `StreamingFrame.groupBy: keys must be columns of the frame (${names.join(', ')}), got ${show(k)}`,
        )
    this.#frame = frame
    this.#keys = [...ks]
    this.#columns = columns
  }

  /**
   * Aggregate only these columns (Streamz `groupby('name').amount`); without it, every non-key numeric column
   * (every non-key column for `count`).
   * @param columns - a column name or several
   * @example
   * ```ts
   * sdf.groupBy('name').col('amount').sum()
   * ```
   */
  col(columns: string | readonly string[]): FrameGroupBy {
    const cs: readonly string[] = typeof columns === 'string' ? [columns] : columns
    if (!isList(cs) || cs.length === 0)
      fail(TypeError, 'FrameGroupBy.col', 'columns', 'a column name or a non-empty array of them', columns)
    const names = this.#frame.example.columns
    for (const c of cs) {
      if (typeof c !== 'string' || !names.includes(c))
        throw new RangeError(
          `FrameGroupBy.col: columns must be columns of the frame (${names.join(', ')}), got ${show(c)}`,
        )
      if (this.#keys.includes(c))
        throw new RangeError(`FrameGroupBy.col: columns must not be a groupby key, got ${show(c)}`)
    }
    return new FrameGroupBy(this.#frame, this.#keys, [...cs])
  }

  /**
   * Running sum per group, in Polars' sum dtype: Int64 for 8- and 16-bit integers, the column's own dtype
   * otherwise (integer sums wrap around on overflow, as Polars' do).
   * @example
   * ```ts
   * sdf.groupBy('name').col('amount').sum()
   * ```
   */
  sum(): StreamingFrame {
    return this.#run('sum', 1)
  }

  /**
   * Running mean per group (nulls skipped), Float64.
   * @example
   * ```ts
   * sdf.groupBy('name').col('amount').mean()
   * ```
   */
  mean(): StreamingFrame {
    return this.#run('mean', 1)
  }

  /**
   * Running count of non-null values per group, Int64.
   * @example
   * ```ts
   * sdf.groupBy('name').count()
   * ```
   */
  count(): StreamingFrame {
    return this.#run('count', 1)
  }

  /**
   * Running number of rows per group: columns `[...keys, 'size']`, Int64.
   * @example
   * ```ts
   * sdf.groupBy('name').size()
   * ```
   */
  size(): StreamingFrame {
    return this.#run('size', 1)
  }

  /**
   * Running minimum per group.
   * @example
   * ```ts
   * sdf.groupBy('name').col('amount').min()
   * ```
   */
  min(): StreamingFrame {
    return this.#run('min', 1)
  }

  /**
   * Running maximum per group.
   * @example
   * ```ts
   * sdf.groupBy('name').col('amount').max()
   * ```
   */
  max(): StreamingFrame {
    return this.#run('max', 1)
  }

  /**
   * Running variance per group, `ddof` 1 by default (pandas); null while a group has no more than `ddof` values.
   * @param options - `ddof` (default 1)
   * @example
   * ```ts
   * sdf.groupBy('name').col('amount').var({ ddof: 0 })
   * ```
   */
  var(options: ReductionOptions = {}): StreamingFrame {
    return this.#run('var', ddofOf('var', options))
  }

  /**
   * Running standard deviation per group (the square root of {@link FrameGroupBy.var | var}).
   * @param options - `ddof` (default 1)
   * @example
   * ```ts
   * sdf.groupBy('name').col('amount').std()
   * ```
   */
  std(options: ReductionOptions = {}): StreamingFrame {
    return this.#run('std', ddofOf('std', options))
  }

  #run(kind: GroupKind, ddof: number): StreamingFrame {
    return runningGroupBy(this.#frame, this.#keys, this.#columns, kind, ddof)
  }
}

/** `Array.isArray` without narrowing to `any[]`. */
function isList(x: unknown): boolean {
  return Array.isArray(x)
}

function ddofOf(kind: string, options: ReductionOptions): number {
  checkObject(`FrameGroupBy.${kind}`, 'options', options)
  const { ddof = 1 } = options
  if (typeof ddof !== 'number' || !Number.isInteger(ddof) || ddof < 0)
    fail(RangeError, `FrameGroupBy.${kind}`, 'options.ddof', 'a non-negative integer', ddof)
  return ddof
}

function runningGroupBy(
  frame: StreamingFrame,
  keys: readonly string[],
  columns: readonly string[] | undefined,
  kind: GroupKind,
  ddof: number,
): StreamingFrame {
  const ex = frame.example
  const op = `FrameGroupBy.${kind}`
  let cols: readonly string[]
  if (kind === 'size') cols = []
  else if (columns !== undefined) {
    if (kind !== 'count')
      for (const c of columns)
        if (!isNumeric(schemaOf(ex)[c] as pl.DataType))
          throw new TypeError(
            `${op}: column ${JSON.stringify(c)} must be numeric, got ${dtypeName(schemaOf(ex)[c] as pl.DataType)}`,
          )
    cols = columns
  } else {
    cols = kind === 'count' ? ex.columns.filter((c) => !keys.includes(c)) : numericColumns(ex, keys)
    if (cols.length === 0)
      throw new TypeError(`${op}: the frame has no ${kind === 'count' ? '' : 'numeric '}non-key columns`)
  }
  return runningAggregate(frame, keys, cols, kind, ddof)
}

/**
 * A running aggregation of `cols` per group of `keys`, or over the whole stream when `keys` is empty (then
 * one row per chunk; `size` counts elements, rows × columns, as pandas does). With one key, the JavaScript
 * fast path of internal-groups.ts when its inputs allow (`path: 'polars'` forces the Polars path: the
 * reference the tests compare it with). @internal
 */
export function runningAggregate(
  frame: StreamingFrame,
  keys: readonly string[],
  cols: readonly string[],
  kind: GroupKind,
  ddof: number,
  path: 'auto' | 'polars' = 'auto',
): StreamingFrame {
  const ex = frame.example
  // The state: one row per group with the statistics the aggregation needs (per column i: n = count,
  // s = sum, m = mean, q = sum of squared deviations from the mean, lo / hi = min / max; len = rows),
  // plus the output columns computed from them. Each chunk is grouped into the same statistics, stacked
  // under the state and grouped again, which merges them (Chan et al.'s formula for m and q, generalised to
  // several parts: q = Σ q_i + Σ n_i (m_i - m)²): one lazy plan and one collect per chunk, over
  // O(chunk + groups) rows.
  const needN = kind === 'mean' || kind === 'count' || kind === 'var' || kind === 'std'
  const needS = kind === 'sum' || kind === 'mean'
  const needVar = kind === 'var' || kind === 'std'
  const n = (i: number): string => `${P}n${i}`
  const s = (i: number): string => `${P}s${i}`
  const m = (i: number): string => `${P}m${i}`
  const q = (i: number): string => `${P}q${i}`
  const lo = (i: number): string => `${P}lo${i}`
  const hi = (i: number): string => `${P}hi${i}`
  const len = `${P}len`

  const stats: string[] = [] // the statistic columns, in order
  const aggs: pl.Expr[] = [] // a chunk's statistics per group
  const merge: pl.Expr[] = [] // statistics of state and chunk rows merged per group
  const sum = (name: string): pl.Expr => pl.col(name).sum().alias(name)
  if (kind === 'size') {
    stats.push(len)
    // rows, nulls included (a null-ness flag is never null)
    aggs.push(
      pl
        .col(ex.columns[0] as string)
        .isNull()
        .count()
        .cast(pl.Float64)
        .alias(len),
    )
    merge.push(sum(len))
  }
  cols.forEach((c, i) => {
    const x = pl.col(c)
    if (needN) {
      stats.push(n(i))
      aggs.push(x.count().cast(pl.Float64).alias(n(i)))
      merge.push(sum(n(i)))
    }
    if (needS) {
      stats.push(s(i))
      // a mean sums in Float64, as pandas does: a sum in the column's dtype would wrap for Int32 / UInt32
      aggs.push((kind === 'mean' ? x.cast(pl.Float64) : x).sum().alias(s(i)))
      merge.push(sum(s(i)))
    }
    if (needVar) {
      stats.push(m(i), q(i))
      const xf = x.cast(pl.Float64)
      aggs.push(xf.mean().alias(m(i)), xf.minus(xf.mean()).pow(2).sum().alias(q(i)))
      const ni = pl.col(n(i))
      const mi = pl.col(m(i))
      const total = ni.sum()
      const mean = ni.mul(mi).sum().div(total)
      merge.push(
        pl.when(total.gt(0)).then(mean).otherwise(pl.lit(null)).cast(pl.Float64).alias(m(i)),
        pl
          .when(total.gt(0))
          .then(
            pl
              .col(q(i))
              .sum()
              .plus(ni.mul(mi.minus(mean).pow(2)).sum()),
          )
          .otherwise(pl.lit(0))
          .cast(pl.Float64)
          .alias(q(i)),
      )
    }
    if (kind === 'min') {
      stats.push(lo(i))
      aggs.push(x.min().alias(lo(i)))
      merge.push(pl.col(lo(i)).min().alias(lo(i)))
    }
    if (kind === 'max') {
      stats.push(hi(i))
      aggs.push(x.max().alias(hi(i)))
      merge.push(pl.col(hi(i)).max().alias(hi(i)))
    }
  })

  const output: pl.Expr[] = cols.map((c, i) => {
    const ni = pl.col(n(i))
    switch (kind) {
      case 'sum':
        return pl.col(s(i)).alias(c)
      case 'mean':
        return pl
          .when(ni.gt(0))
          .then(pl.col(s(i)).cast(pl.Float64).div(ni))
          .otherwise(pl.lit(null))
          .cast(pl.Float64)
          .alias(c)
      case 'count':
        return ni.cast(pl.Int64).alias(c)
      case 'min':
        return pl.col(lo(i)).alias(c)
      case 'max':
        return pl.col(hi(i)).alias(c)
      default: {
        const v = pl.col(q(i)).div(ni.minus(ddof))
        return pl
          .when(ni.gt(ddof))
          .then(kind === 'std' ? v.pow(0.5) : v)
          .otherwise(pl.lit(null))
          .cast(pl.Float64)
          .alias(c)
      }
    }
  })
  const outNames = kind === 'size' ? [...keys, 'size'] : [...keys, ...cols]
  if (kind === 'size')
    output.push((keys.length === 0 ? pl.col(len).mul(ex.width) : pl.col(len)).cast(pl.Int64).alias('size'))

  // Every expression is built here, once: nodejs-polars wraps each new expression in a large JS object,
  // which costs more than grouping a 10,000-row chunk. Per chunk only prebuilt expressions are passed on
  // (as expressions, not column names, which would be wrapped again).
  const notNull = keys
    .map((k) => pl.col(k).isNotNull())
    .reduce<pl.Expr | undefined>((a, b) => a?.and(b) ?? b, undefined)
  const keyExprs = keys.map((k) => pl.col(k))
  const stateExprs = [...keyExprs, ...stats.map((name) => pl.col(name))]
  const chunkAgg = (lf: pl.LazyDataFrame): pl.LazyDataFrame =>
    keys.length === 0
      ? lf.select(...aggs)
      : // null keys are dropped from the grouped rows (at most one per chunk), not from the chunk's rows
        lf
          .groupBy(keyExprs, false)
          .agg(...aggs)
          .filter(notNull as pl.Expr)
  const step = (state: pl.DataFrame, chunk: pl.LazyDataFrame): pl.LazyDataFrame => {
    const both = pl.concat([state.lazy().select(...stateExprs), chunkAgg(chunk)])
    return keys.length === 0
      ? both.select(...merge).withColumns(...output)
      : both
          .groupBy(keyExprs, false)
          .agg(...merge)
          .sort(keyExprs)
          .withColumns(...output)
  }
  const initial = step(chunkAgg(ex.lazy()).collectSync(), ex.lazy()).collectSync()
  const example = initial.select(...outNames).head(0)

  const key = keys.length === 1 && path === 'auto' ? (keys[0] as string) : undefined
  const fast = key === undefined ? undefined : fastGroupBy(frame.chunks(), ex, key, cols, kind, ddof, example)
  if (fast !== undefined) return new StreamingFrame(fast, example)

  const plans = frame.plans()

  async function* groupByStage(): AsyncGenerator<pl.DataFrame, void, undefined> {
    let state = initial
    for await (const chunk of plans) {
      state = step(state, chunk).collectSync()
      yield state.select(...outNames)
    }
  }
  return new StreamingFrame({ [Symbol.asyncIterator]: groupByStage }, example)
}
