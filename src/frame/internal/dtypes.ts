import type pl from 'nodejs-polars'

const INTS = new Set(['Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64'])
const FLOATS = new Set(['Float32', 'Float64'])

/** A dtype as Polars names it: `Float64`, `String`, `Datetime(Milliseconds, None)`. @internal */
export function dtypeName(dtype: pl.DataType): string {
  const s = String(dtype)
  return s.startsWith('DataType(') && s.endsWith(')') ? s.slice('DataType('.length, -1) : s
}

/** @internal */
export function isInteger(dtype: pl.DataType): boolean {
  return INTS.has(dtype.variant)
}

/** @internal */
export function isFloat(dtype: pl.DataType): boolean {
  return FLOATS.has(dtype.variant)
}

/** Integer or float columns: the ones reductions and cumulative ops work on. @internal */
export function isNumeric(dtype: pl.DataType): boolean {
  return INTS.has(dtype.variant) || FLOATS.has(dtype.variant)
}

/** The names of the numeric columns of a frame, in order. @internal */
export function numericColumns(df: pl.DataFrame, exclude: readonly string[] = []): string[] {
  const schema = schemaOf(df)
  return df.columns.filter((c) => !exclude.includes(c) && isNumeric(schema[c] as pl.DataType))
}

/** Is `x` a nodejs-polars DataFrame (they are plain objects, not class instances)? @internal */
export function isDataFrame(x: unknown): x is pl.DataFrame {
  return (
    x !== null &&
    typeof x === 'object' &&
    typeof (x as { lazy?: unknown }).lazy === 'function' &&
    typeof (x as { getColumn?: unknown }).getColumn === 'function' &&
    Array.isArray((x as { columns?: unknown }).columns)
  )
}

/** Is `x` a nodejs-polars expression? @internal */
export function isExpr(x: unknown): x is pl.Expr {
  return x !== null && typeof x === 'object' && '_expr' in x && typeof (x as { alias?: unknown }).alias === 'function'
}

/** A frame's schema, typed (nodejs-polars types it loosely). @internal */
export function schemaOf(df: pl.DataFrame): Record<string, pl.DataType> {
  // not `df.schema`: nodejs-polars builds it by wrapping every column in a Series, which costs far more
  const names = df.columns
  const types = df.dtypes
  const out: Record<string, pl.DataType> = {}
  names.forEach((c, i) => (out[c] = types[i] as pl.DataType))
  return out
}
