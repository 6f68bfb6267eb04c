import pl from 'nodejs-polars'
import { checkObject, fail } from '../internal/check.js'
import { StreamingFrame } from './frame.js'
import { numericColumns, schemaOf } from './internal/dtypes.js'

/** Options of the running `var` and `std` reductions. */
export interface ReductionOptions {
  /** Delta degrees of freedom: the divisor is `n - ddof` (default 1, as pandas). */
  ddof?: number
}

/** @internal */
export type ReductionKind = 'sum' | 'mean' | 'count' | 'size' | 'min' | 'max' | 'var' | 'std'

/** Running totals of one column (Chan et al.'s parallel variance for `m2`). @internal */
interface Moments {
  n: number
  sum: number
  mean: number
  m2: number
  min: number | null
  max: number | null
}

/** Running reduction over the whole stream: one single-row DataFrame per chunk. @internal */
export function reduction(frame: StreamingFrame, kind: ReductionKind, options: ReductionOptions = {}): StreamingFrame {
  const op = `StreamingFrame.${kind}`
  checkObject(op, 'options', options)
  const { ddof = 1 } = options
  if (typeof ddof !== 'number' || !Number.isInteger(ddof) || ddof < 0)
    fail(RangeError, op, 'options.ddof', 'a non-negative integer', ddof)
  const ex = frame.example
  if (kind === 'size') return sizeFrame(frame)
  const cols = kind === 'count' ? ex.columns : numericColumns(ex)
  if (cols.length === 0)
    throw new TypeError(
      `${op}: the frame has no ${kind === 'count' ? '' : 'numeric '}columns (${ex.columns.join(', ')})`,
    )

  const aggs: pl.Expr[] = []
  cols.forEach((c, i) => {
    const x = pl.col(c)
    if (kind === 'sum') aggs.push(x.sum().cast(pl.Float64).alias(`s${i}`))
    if (kind === 'mean' || kind === 'count' || kind === 'var' || kind === 'std')
      aggs.push(x.count().cast(pl.Float64).alias(`n${i}`))
    if (kind === 'mean') aggs.push(x.sum().cast(pl.Float64).alias(`s${i}`))
    if (kind === 'var' || kind === 'std')
      aggs.push(
        x.cast(pl.Float64).mean().alias(`m${i}`),
        x.cast(pl.Float64).minus(x.cast(pl.Float64).mean()).pow(2).sum().alias(`q${i}`),
      )
    if (kind === 'min') aggs.push(x.min().cast(pl.Float64).alias(`lo${i}`))
    if (kind === 'max') aggs.push(x.max().cast(pl.Float64).alias(`hi${i}`))
  })

  const schema: Record<string, pl.DataType> = {}
  const types = kind === 'sum' ? schemaOf(ex.select(...cols.map((c) => pl.col(c).sum()))) : schemaOf(ex)
  for (const c of cols)
    schema[c] =
      kind === 'count'
        ? pl.Int64
        : kind === 'sum' || kind === 'min' || kind === 'max'
          ? (types[c] as pl.DataType)
          : pl.Float64
  const example = pl.DataFrame(Object.fromEntries(cols.map((c) => [c, []])), { schema })
  const input = frame.chunks((lf) => lf.select(...aggs))
  async function* reductionStage(): AsyncGenerator<pl.DataFrame, void, undefined> {
    const state: Moments[] = cols.map(() => ({ n: 0, sum: 0, mean: 0, m2: 0, min: null, max: null }))
    for await (const row of input) {
      const r = row.toRecords()[0] ?? {}
      const out: Record<string, (number | null)[]> = {}
      cols.forEach((c, i) => {
        const s = state[i] as Moments
        const num = (k: string): number | null => {
          const v = r[`${k}${i}`]
          return typeof v === 'number' ? v : null
        }
        const nb = num('n') ?? 0
        if (kind === 'sum' || kind === 'mean') s.sum += num('s') ?? 0
        if (kind === 'min') {
          const v = num('lo')
          if (v !== null && (s.min === null || v < s.min)) s.min = v
        }
        if (kind === 'max') {
          const v = num('hi')
          if (v !== null && (s.max === null || v > s.max)) s.max = v
        }
        if ((kind === 'var' || kind === 'std') && nb > 0) {
          const mb = num('m') ?? 0
          const m2b = num('q') ?? 0
          const n = s.n + nb
          const delta = mb - s.mean
          s.mean += (delta * nb) / n
          s.m2 += m2b + (delta * delta * s.n * nb) / n
        }
        s.n += nb
        let v: number | null
        switch (kind) {
          case 'sum':
            v = s.sum
            break
          case 'mean':
            v = s.n > 0 ? s.sum / s.n : null
            break
          case 'count':
            v = s.n
            break
          case 'min':
            v = s.min
            break
          case 'max':
            v = s.max
            break
          default: {
            const variance = s.n > ddof ? s.m2 / (s.n - ddof) : null
            v = variance === null ? null : kind === 'std' ? Math.sqrt(variance) : variance
          }
        }
        out[c] = [v]
      })
      yield pl.DataFrame(out, { schema })
    }
  }
  return new StreamingFrame({ [Symbol.asyncIterator]: reductionStage }, example)
}

function sizeFrame(frame: StreamingFrame): StreamingFrame {
  const schema = { size: pl.Int64 }
  const input = frame.chunks()
  async function* sizeStage(): AsyncGenerator<pl.DataFrame, void, undefined> {
    let size = 0
    for await (const df of input) {
      size += df.height * df.width
      yield pl.DataFrame({ size: [size] }, { schema })
    }
  }
  return new StreamingFrame({ [Symbol.asyncIterator]: sizeStage }, pl.DataFrame({ size: [] }, { schema }))
}

/** @internal */
export type CumulativeKind = 'cumsum' | 'cumprod' | 'cummin' | 'cummax'

/** Cumulative op over the whole stream: each chunk's rows with running values. @internal */
export function cumulative(frame: StreamingFrame, kind: CumulativeKind): StreamingFrame {
  const ex = frame.example
  const cols = numericColumns(ex)
  if (cols.length === 0)
    throw new TypeError(`StreamingFrame.${kind}: the frame has no numeric columns (${ex.columns.join(', ')})`)
  const base = (c: string): pl.Expr => {
    const x = pl.col(c)
    return kind === 'cumsum'
      ? x.cumSum()
      : kind === 'cumprod'
        ? x.cumProd()
        : kind === 'cummin'
          ? x.cumMin()
          : x.cumMax()
  }
  const example = ex
    .lazy()
    .withColumns(...cols.map(base))
    .collectSync()
  const types = schemaOf(example)
  async function* cumulativeStage(): AsyncGenerator<pl.DataFrame, void, undefined> {
    const carry = new Map<string, number>()
    const step = (lf: pl.LazyDataFrame): pl.LazyDataFrame =>
      lf.withColumns(
        ...cols.map((c) => {
          const b = base(c)
          const last = carry.get(c)
          if (last === undefined) return b
          const l = pl.lit(last).cast(types[c] as pl.DataType)
          switch (kind) {
            case 'cumsum':
              return b.plus(l).alias(c)
            case 'cumprod':
              return b.mul(l).alias(c)
            case 'cummin':
              return pl.when(b.isNull()).then(b).when(b.gt(l)).then(l).otherwise(b).alias(c)
            default:
              return pl.when(b.isNull()).then(b).when(b.lt(l)).then(l).otherwise(b).alias(c)
          }
        }),
      )
    for await (const df of frame.chunks(step)) {
      for (const c of cols) {
        const s = df.getColumn(c).dropNulls()
        if (s.length > 0) carry.set(c, s.get(s.length - 1) as number)
      }
      yield df
    }
  }
  return new StreamingFrame({ [Symbol.asyncIterator]: cumulativeStage }, example)
}
