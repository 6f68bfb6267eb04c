import pl from 'nodejs-polars'
import { checkObject, fail } from '../internal/check.js'
import { StreamingFrame } from './frame.js'
import { numericColumns, schemaOf } from './internal/dtypes.js'
import { runningAggregate } from './groupby.js'

/** Options of the running `var` and `std` reductions. */
export interface ReductionOptions {
  /** Delta degrees of freedom: the divisor is `n - ddof` (default 1, as pandas). */
  ddof?: number
}

/** @internal */
export type ReductionKind = 'sum' | 'mean' | 'count' | 'size' | 'min' | 'max' | 'var' | 'std'

/** Running reduction over the whole stream: one single-row DataFrame per chunk. @internal */
export function reduction(frame: StreamingFrame, kind: ReductionKind, options: ReductionOptions = {}): StreamingFrame {
  const op = `StreamingFrame.${kind}`
  checkObject(op, 'options', options)
  const { ddof = 1 } = options
  if (typeof ddof !== 'number' || !Number.isInteger(ddof) || ddof < 0)
    fail(RangeError, op, 'options.ddof', 'a non-negative integer', ddof)
  const ex = frame.example
  const cols = kind === 'size' ? [] : kind === 'count' ? ex.columns : numericColumns(ex)
  if (kind !== 'size' && cols.length === 0)
    throw new TypeError(
      `${op}: the frame has no ${kind === 'count' ? '' : 'numeric '}columns (${ex.columns.join(', ')})`,
    )
  if (ex.width === 0) throw new TypeError(`${op}: the frame has no columns`)
  return runningAggregate(frame, [], cols, kind, ddof)
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
  // The running values carried from chunk to chunk live in a one-row frame (columns `carries`), joined to
  // each chunk's rows; every expression is built here once (nodejs-polars makes new ones expensively).
  const carries = cols.map((_, i) => `\u0001carry${i}`)
  const identity = kind === 'cumsum' ? 0 : kind === 'cumprod' ? 1 : null
  const initial = pl.DataFrame(cols.map((c, i) => pl.Series(carries[i] as string, [identity], types[c] as pl.DataType)))
  const running = cols.map((c, i) => {
    const b = base(c)
    const carry = pl.col(carries[i] as string)
    switch (kind) {
      case 'cumsum':
        return b.plus(carry).alias(c)
      case 'cumprod':
        return b.mul(carry).alias(c)
      case 'cummin':
        return pl
          .when(b.isNull())
          .then(b)
          .otherwise(pl.minHorizontal([b, carry]))
          .alias(c)
      default:
        return pl
          .when(b.isNull())
          .then(b)
          .otherwise(pl.maxHorizontal([b, carry]))
          .alias(c)
    }
  })
  // the next carry: the chunk's last running value, or the old carry when the chunk has none
  const next = cols.map((c, i) =>
    pl
      .col(c)
      .dropNulls()
      .last()
      .fillNull(pl.col(carries[i] as string).first())
      .alias(carries[i] as string),
  )
  async function* cumulativeStage(): AsyncGenerator<pl.DataFrame, void, undefined> {
    let carry: pl.DataFrame = initial
    const step = (lf: pl.LazyDataFrame): pl.LazyDataFrame =>
      lf.join(carry.lazy(), { how: 'cross' }).withColumns(...running)
    for await (const full of frame.chunks(step)) {
      if (full.height === 0) {
        yield example
        continue
      }
      const nextCarry: pl.DataFrame = full
        .lazy()
        .select(...next)
        .collectSync()
      carry = nextCarry
      yield full.drop(carries)
    }
  }
  return new StreamingFrame({ [Symbol.asyncIterator]: cumulativeStage }, example)
}
