import pl from 'nodejs-polars'
import { fail, show } from '../internal/check.js'
import { toMs } from '../internal/duration.js'
import { dtypeName, isNumeric, numericColumns } from './internal/dtypes.js'
import { Ring } from './internal-ring.js'

/** An empty float64 frame with these columns. @internal */
export function floatExample(names: readonly string[]): pl.DataFrame {
  return pl.DataFrame(names.map((c) => pl.Series(c, [], pl.Float64)))
}

/**
 * The columns an aggregation works on: the picked ones (each must exist and be numeric), or every numeric
 * column but `exclude`.
 * @internal
 */
export function valueColumns(
  op: string,
  example: pl.DataFrame,
  picked: readonly string[] | undefined,
  exclude: readonly string[],
  numeric = true,
): string[] {
  if (picked === undefined) return numericColumns(example, exclude)
  const schema = example.schema as Record<string, pl.DataType | undefined>
  for (const c of picked) {
    const dtype = schema[c]
    if (dtype === undefined)
      throw new TypeError(`${op}: no column ${show(c)} in the frame (columns: ${example.columns.join(', ')})`)
    if (numeric && !isNumeric(dtype))
      throw new TypeError(`${op}: column ${show(c)} is ${dtypeName(dtype)}, not a numeric column`)
  }
  return [...picked]
}

/** The `on` column of a span window: its values as numbers and the span in the same unit. @internal */
export interface TimeAxis {
  readonly on: string
  /** The span, in the column's own unit (ms / us / ns for datetimes, plain units for numbers). */
  readonly span: number
  /** Values of the column in one chunk, as numbers in that unit. */
  values(df: pl.DataFrame): Float64Array
}

const UNIT_PER_MS: Record<string, number> = { ms: 1, us: 1e3, ns: 1e6 }

/**
 * Check the `on` column and the span: a Datetime column takes a duration (`'2h'`, or a number of ms); a
 * numeric column takes a number in its own units.
 * @internal
 */
export function timeAxis(op: string, example: pl.DataFrame, on: unknown, span: unknown, spanArg: string): TimeAxis {
  if (typeof on !== 'string') fail(TypeError, op, 'options.on', 'a column name', on)
  const dtype = (example.schema as Record<string, pl.DataType | undefined>)[on]
  if (dtype === undefined)
    throw new TypeError(`${op}: no column ${show(on)} in the frame (columns: ${example.columns.join(', ')})`)
  if (dtype.variant === 'Datetime') {
    const unit = (dtype as unknown as { timeUnit?: string }).timeUnit ?? 'ms'
    const scale = UNIT_PER_MS[unit] ?? 1
    const ms = toMs(op, spanArg, span)
    if (!(ms > 0)) throw new RangeError(`${op}: ${spanArg} must be a positive duration, got ${show(span)}`)
    const big = unit === 'ns'
    return {
      on,
      span: ms * scale,
      values: (df) => datetimeNumbers(op, df, on, big),
    }
  }
  if (isNumeric(dtype)) {
    if (typeof span !== 'number' || !(span > 0) || !Number.isFinite(span))
      fail(RangeError, op, spanArg, `a positive number (column ${show(on)} is ${dtypeName(dtype)})`, span)
    return {
      on,
      span,
      values: (df) => {
        const col = df.getColumn(on)
        if (col.nullCount() > 0)
          throw new TypeError(`${op}: column ${show(on)} has nulls; a span window needs every value`)
        return col.cast(pl.Float64).toTypedArray() as Float64Array
      },
    }
  }
  throw new TypeError(
    `${op}: column ${show(on)} is ${dtypeName(dtype)}; a span window needs a Datetime or numeric column`,
  )
}

/** Nanosecond epochs pass 2^53: they are taken as integers and made relative to a fixed base first. */
const NS_BASE = 1_600_000_000_000_000_000n

function datetimeNumbers(op: string, df: pl.DataFrame, on: string, big: boolean): Float64Array {
  const s = df.getColumn(on)
  if (s.nullCount() > 0) throw new TypeError(`${op}: column ${show(on)} has null times; a span window needs every time`)
  if (!big) return s.cast(pl.Float64).toTypedArray() as Float64Array
  const ints = s.cast(pl.Int64).toTypedArray() as BigInt64Array
  const out = new Float64Array(ints.length)
  for (let i = 0; i < ints.length; i++) out[i] = Number((ints[i] as bigint) - NS_BASE)
  return out
}

/**
 * Where windows start: by rows (the last `n` rows) or by span (rows whose `on` value is within `span` of the
 * newest one: the half-open interval (t - span, t], as pandas). Positions are global row numbers.
 * @internal
 */
export class Bounds {
  /** Global position one past the last row seen. */
  end = 0
  readonly #times: Ring | undefined

  constructor(
    readonly op: string,
    readonly n: number | undefined,
    readonly axis: TimeAxis | undefined,
  ) {
    this.#times = axis === undefined ? undefined : new Ring()
  }

  /** Per-row window starts for a chunk (rolling); null for a window of rows (the last `n` rows). */
  rowStarts(df: pl.DataFrame): Float64Array | null {
    const h = df.height
    const base = this.end
    if (this.axis === undefined) {
      this.end = base + h
      return null
    }
    const starts = new Float64Array(h)
    {
      const ts = this.#times as Ring
      const t = this.axis.values(df)
      const span = this.axis.span
      for (let i = 0; i < h; i++) {
        const ti = t[i] as number
        this.#pushTime(ts, ti, base + i)
        const lim = ti - span
        while (ts.start < base + i && ts.get(ts.start) <= lim) ts.start++
        starts[i] = ts.start
      }
    }
    this.end = base + h
    return starts
  }

  /** Take a whole chunk in; the start of the window that ends with it (windows). */
  chunkStart(df: pl.DataFrame): number {
    const h = df.height
    const base = this.end
    this.end = base + h
    if (this.axis === undefined) return Math.max(0, this.end - (this.n as number))
    const ts = this.#times as Ring
    if (h === 0) return ts.start
    const t = this.axis.values(df)
    for (let i = 0; i < h; i++) this.#pushTime(ts, t[i] as number, base + i)
    const lim = ts.get(this.end - 1) - this.axis.span
    while (ts.start < this.end - 1 && ts.get(ts.start) <= lim) ts.start++
    return ts.start
  }

  #pushTime(ts: Ring, t: number, pos: number): void {
    if (ts.size > 0 && t < ts.get(pos - 1))
      throw new RangeError(
        `${this.op}: column ${show(this.axis?.on)} must be sorted ascending; row ${pos} has ${t} after ${ts.get(pos - 1)}`,
      )
    ts.push(t)
  }
}
