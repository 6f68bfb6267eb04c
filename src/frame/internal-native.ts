import pl from 'nodejs-polars'

/**
 * Fast paths around nodejs-polars' JavaScript wrappers. Each `getColumn` or `pl.Series(...)` builds a wrapper
 * object of some 300 closures (about 0.1 to 0.3 ms, more than the work of a 10,000-row rolling step), so the
 * hot loops take the native handles underneath (`df._df`, `series._s`: nodejs-polars 0.25, the pinned
 * version) and build results through the documented `pl.DataFrame([series])` path with plain `{ name, _s }`
 * objects. When a handle is not where it is expected (another nodejs-polars), everything falls back to the
 * public API.
 * @internal
 */
interface NativeSeries {
  readonly dtype: unknown
  nullCount(): number
  toTypedArray(): unknown
}

interface NativeSeriesClass {
  newFloat64Array(name: string, values: Float64Array): NativeSeries
}

let seriesClass: NativeSeriesClass | null | undefined

function nativeSeriesClass(): NativeSeriesClass | null {
  if (seriesClass === undefined) {
    const s = (pl.Series('x', [0], pl.Float64) as unknown as { _s?: { constructor?: unknown } })._s
    const ctor = s?.constructor as Partial<NativeSeriesClass> | undefined
    seriesClass = typeof ctor?.newFloat64Array === 'function' ? (ctor as NativeSeriesClass) : null
  }
  return seriesClass
}

/** The native column of a DataFrame, or undefined (fall back to the public API). @internal */
export function nativeColumn(df: pl.DataFrame, name: string): NativeSeries | undefined {
  const n = (df as unknown as { _df?: { column?: (c: string) => NativeSeries } })._df
  if (typeof n?.column !== 'function') return undefined
  return n.column(name)
}

/** Float64 copies of columns, missing values (null) as NaN. @internal */
export function float64Columns(df: pl.DataFrame, names: readonly string[]): Float64Array[] {
  const out: Float64Array[] = []
  let slow: string[] | undefined
  for (const c of names) {
    const s = nativeColumn(df, c)
    if (s !== undefined && s.dtype === 'Float64' && s.nullCount() === 0) {
      const a = s.toTypedArray()
      if (a instanceof Float64Array) {
        out.push(a)
        continue
      }
    }
    ;(slow ??= []).push(c)
    out.push(new Float64Array(0))
  }
  if (slow !== undefined) {
    const f = df.select(...slow.map((c) => pl.col(c).cast(pl.Float64).fillNull(pl.lit(NaN))))
    for (const c of slow) out[names.indexOf(c)] = f.getColumn(c).toTypedArray() as Float64Array
  }
  return out
}

/** One output column: float64 values (NaN becomes null), or a column of a frame passed through. @internal */
export type OutColumn =
  | { readonly name: string; readonly values: Float64Array; readonly nan?: boolean }
  | { readonly name: string; readonly from: pl.DataFrame }

/** A DataFrame of these columns, in this order. @internal */
export function frameOf(columns: readonly OutColumn[]): pl.DataFrame {
  const cls = nativeSeriesClass()
  const nanCols: string[] = []
  const parts = columns.map((c) => {
    if ('from' in c) {
      const s = nativeColumn(c.from, c.name)
      return s === undefined || cls === null ? c.from.getColumn(c.name) : { name: c.name, _s: s }
    }
    if (c.nan ?? hasNaN(c.values)) nanCols.push(c.name)
    return cls === null ? pl.Series(c.name, c.values) : { name: c.name, _s: cls.newFloat64Array(c.name, c.values) }
  })
  const df = pl.DataFrame(parts as pl.Series[])
  return nanCols.length === 0 ? df : df.withColumns(...nanCols.map((c) => pl.col(c).fillNan(null)))
}

function hasNaN(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== a[i]) return true
  return false
}

/** Rows, and chunks, a stream passes on between two turns of the event loop (see {@link Pacer}). */
const PACE_ROWS = 100_000
const PACE_CHUNKS = 256

/**
 * When to let the event loop turn. nodejs-polars frees the Rust memory behind its objects (DataFrames,
 * Series, the buffers of the typed arrays it copies out) in finalizers that Node runs on a later turn of the
 * event loop, after V8 has collected the JavaScript objects. A stream fed from memory (an array of chunks, a
 * generator that never waits) goes from chunk to chunk in microtasks and never lets the loop turn: then
 * nothing is freed until the stream ends (some 160 KB per 10,000-row chunk of a rolling mean, gigabytes over
 * a long stream), and working in ever-fresh memory slows every chunk down (1.3x after 1,000 such chunks, 4x
 * after 5,000). {@link toFrame} therefore turns the loop once per 100,000 rows (or 256 chunks) it passes on;
 * a stream fed by I/O turns it anyway, so there this costs one extra turn now and then.
 * @internal
 */
export class Pacer {
  #rows = 0
  #chunks = 0

  /** Count a chunk of `rows` rows; true when the event loop should turn now (and the count starts over). */
  due(rows: number): boolean {
    this.#rows += rows
    if (++this.#chunks < PACE_CHUNKS && this.#rows < PACE_ROWS) return false
    this.#rows = 0
    this.#chunks = 0
    return true
  }
}

/** Resolves on the next turn of the event loop (after pending I/O and finalizers have run). @internal */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
