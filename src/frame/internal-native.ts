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
