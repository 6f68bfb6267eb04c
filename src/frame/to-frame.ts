import pl from 'nodejs-polars'
import { checkIterable, fail, show } from '../internal/check.js'
import { StreamingFrame } from './frame.js'
import { FrameSchemaError } from './schema-error.js'
import { dtypeName, isDataFrame, isFloat, isInteger, schemaOf } from './internal/dtypes.js'

/** A record of a JSON-like chunk: column name to value. */
export type FrameRecord = Readonly<Record<string, unknown>>

/** Options for {@link toFrame}. */
export interface ToFrameOptions {
  /** An (empty) DataFrame with the columns and dtypes every chunk must have. */
  example: pl.DataFrame
  /**
   * What to do with a chunk that does not match the example. `'throw'` (the default) ends the stream with a
   * {@link FrameSchemaError}; `'skip'` drops the chunk and goes on; a function drops the chunk, is called
   * with the error and goes on (if it throws, the stream ends with what it threw).
   */
  onError?: 'throw' | 'skip' | ((err: FrameSchemaError) => void)
}

/**
 * A {@link StreamingFrame} over a stream of chunks (Streamz `to_dataframe` / `DataFrame(stream, example)`).
 * Each chunk is a nodejs-polars DataFrame, or an array of plain records (as `partition(n)` of parsed JSON
 * lines gives) that is built into one with the example's dtypes.
 *
 * Every chunk is checked against `example`: the same column names (in any order: they are put in the
 * example's order) and the same dtypes. Nothing is coerced: a chunk whose `amount` is `String` where the
 * example says `Float64` is a {@link FrameSchemaError} naming the column and both dtypes (and the missing and
 * extra columns). For record chunks only lossless widenings are made: integers in a float column, integers
 * into another integer width when every value fits, all-null values; a key absent from every record of the
 * chunk is a null column (JSON leaves out nulls); a key the example lacks is an error. Empty chunks are
 * passed on. `options.onError` chooses whether a bad chunk stops the stream (the default) or is skipped.
 * @param stream - an AsyncIterable (or Iterable) of DataFrames or arrays of records
 * @param options - `example` (required) and `onError`
 * @example
 * ```ts
 * import pl from 'nodejs-polars'
 * import { toFrame } from 'streamz-ts/frame'
 * const example = pl.DataFrame({ name: [], amount: [] }, { schema: { name: pl.String, amount: pl.Float64 } })
 * const sdf = toFrame([[{ name: 'Alice', amount: 10 }], [{ name: 'Bob', amount: 5 }]], { example })
 * for await (const total of sdf.select('amount').sum().stream) console.log(total.toRecords()) // [{ amount: 10 }], [{ amount: 15 }]
 * ```
 */
export function toFrame(
  stream: AsyncIterable<pl.DataFrame | readonly FrameRecord[]> | Iterable<pl.DataFrame | readonly FrameRecord[]>,
  options: ToFrameOptions,
): StreamingFrame {
  checkIterable('toFrame', 'stream', stream)
  if (options === null || typeof options !== 'object') fail(TypeError, 'toFrame', 'options', 'an object', options)
  const { example, onError = 'throw' } = options
  if (!isDataFrame(example)) fail(TypeError, 'toFrame', 'options.example', 'a nodejs-polars DataFrame', example)
  if (onError !== 'throw' && onError !== 'skip' && typeof onError !== 'function')
    fail(TypeError, 'toFrame', 'options.onError', "'throw', 'skip' or a function", onError)
  const empty = example.height === 0 ? example : example.head(0)
  async function* toFrameStage(): AsyncGenerator<pl.DataFrame, void, undefined> {
    let index = 0
    for await (const chunk of stream) {
      const i = index++
      let df: pl.DataFrame
      try {
        df = conform(chunk, empty, i)
      } catch (err) {
        if (!(err instanceof FrameSchemaError) || onError === 'throw') throw err
        if (typeof onError === 'function') onError(err)
        continue
      }
      yield df
    }
  }
  return new StreamingFrame({ [Symbol.asyncIterator]: toFrameStage }, empty)
}

/** The chunk as a DataFrame in the example's column order, or a FrameSchemaError. @internal */
export function conform(chunk: unknown, example: pl.DataFrame, i: number): pl.DataFrame {
  if (isDataFrame(chunk)) return checkSchema(chunk, example, i, false)
  if (Array.isArray(chunk)) {
    if (chunk.length === 0) return example
    return checkSchema(fromRecords(chunk as FrameRecord[], example, i), example, i, true)
  }
  throw new TypeError(
    `toFrame: chunk ${i} must be a nodejs-polars DataFrame or an array of records, got ${show(chunk)}`,
  )
}

function fromRecords(records: FrameRecord[], example: pl.DataFrame, i: number): pl.DataFrame {
  for (const r of records)
    if (r === null || typeof r !== 'object' || Array.isArray(r))
      throw new TypeError(`toFrame: chunk ${i} must hold plain records (objects), got ${show(r)} in it`)
  try {
    return pl.readRecords(records as Record<string, unknown>[], { inferSchemaLength: records.length })
  } catch (err) {
    throw new FrameSchemaError(
      `toFrame: chunk ${i} could not be read as records: ${(err as Error).message}`,
      '',
      '',
      '',
      i,
    )
  }
}

function checkSchema(df: pl.DataFrame, example: pl.DataFrame, i: number, records: boolean): pl.DataFrame {
  const want = schemaOf(example)
  const have = schemaOf(df)
  const missing = example.columns.filter((c) => !(c in have))
  const extra = df.columns.filter((c) => !(c in want))
  const casts: pl.Expr[] = []
  let bad: { column: string; expected: string; actual: string } | undefined
  for (const c of example.columns) {
    const w = want[c] as pl.DataType
    const h = have[c]
    if (h === undefined) {
      if (records) casts.push(pl.lit(null).cast(w).alias(c))
      else bad ??= { column: c, expected: dtypeName(w), actual: 'missing' }
      continue
    }
    if (h.equals(w)) continue
    if (records && (h.variant === 'Null' || (isInteger(h) && (isFloat(w) || isInteger(w))))) {
      casts.push(pl.col(c).cast(w, true))
      continue
    }
    bad ??= { column: c, expected: dtypeName(w), actual: dtypeName(h) }
  }
  const firstExtra = extra[0]
  if (bad === undefined && firstExtra !== undefined)
    bad = { column: firstExtra, expected: 'absent', actual: dtypeName(have[firstExtra] as pl.DataType) }
  if (bad !== undefined) {
    const parts: string[] = []
    if (bad.actual === 'missing') parts.push(`column ${JSON.stringify(bad.column)} is missing`)
    else if (bad.expected === 'absent') parts.push(`column ${JSON.stringify(bad.column)} is not in the example`)
    else parts.push(`column ${JSON.stringify(bad.column)} is ${bad.actual}, expected ${bad.expected}`)
    if (missing.length > 0 && bad.actual !== 'missing') parts.push(`missing columns: ${missing.join(', ')}`)
    else if (missing.length > 1) parts.push(`missing columns: ${missing.join(', ')}`)
    if (extra.length > 0) parts.push(`extra columns: ${extra.join(', ')}`)
    throw new FrameSchemaError(
      `toFrame: chunk ${i} does not match the example: ${parts.join('; ')}`,
      bad.column,
      bad.expected,
      bad.actual,
      i,
      records ? [] : missing,
      extra,
    )
  }
  let out = df
  if (casts.length > 0) {
    try {
      out = df.withColumns(...casts)
    } catch (err) {
      throw new FrameSchemaError(
        `toFrame: chunk ${i} does not match the example: ${(err as Error).message}`,
        '',
        '',
        '',
        i,
      )
    }
  }
  const same = out.columns.length === example.columns.length && out.columns.every((c, j) => c === example.columns[j])
  return same ? out : out.select(...example.columns)
}
