import pl from 'nodejs-polars'
import { checkIterable, fail, show } from '../internal/check.js'
import { StreamingFrame } from './frame.js'
import { FrameSchemaError } from './schema-error.js'
import { dtypeName, isDataFrame, schemaOf } from './internal/dtypes.js'
import { Pacer, nextTurn } from './internal-native.js'

/**
 * A record of a chunk given as an array of records: a plain object of column name to value.
 * @example
 * ```ts
 * const chunk: FrameRecord[] = [{ name: 'Alice', amount: 10 }, { name: 'Bob', amount: 5 }]
 * ```
 */
export type FrameRecord = object

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
 * extra columns). Record chunks are built column by column with the example's dtypes, and every value must
 * fit as it is: any number in a float column, whole numbers in range in an integer column, strings in a
 * String column, booleans in a Boolean one, `Date`s in a Datetime one (a string in a Float64 column, 2.5 in
 * an Int64 or 1000 in an Int8 are errors). An absent key or `undefined` is a null; a key the example lacks
 * is an error. Empty chunks are passed on. `options.onError` chooses whether a bad chunk stops the stream (the default) or is skipped.
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
  const shape = { names: empty.columns, types: empty.dtypes }
  async function* toFrameStage(): AsyncGenerator<pl.DataFrame, void, undefined> {
    let index = 0
    // lets nodejs-polars free the memory of earlier chunks when `stream` never waits (see Pacer)
    const pacer = new Pacer()
    for await (const chunk of stream) {
      const i = index++
      let df: pl.DataFrame
      try {
        df = conform(chunk, empty, shape, i)
      } catch (err) {
        if (!(err instanceof FrameSchemaError) || onError === 'throw') throw err
        if (typeof onError === 'function') onError(err)
        continue
      }
      if (pacer.due(df.height)) await nextTurn()
      yield df
    }
  }
  return new StreamingFrame({ [Symbol.asyncIterator]: toFrameStage }, empty)
}

/**
 * The chunk as a DataFrame in the example's column order, or a FrameSchemaError. (Every property read of a
 * nodejs-polars DataFrame goes through a Proxy that lists the columns natively, so the chunk is read as
 * little as possible: one `lazy` check, one `columns`, one `dtypes`.) @internal
 */
export function conform(
  chunk: unknown,
  example: pl.DataFrame,
  shape: { names: string[]; types: pl.DataType[] },
  i: number,
): pl.DataFrame {
  if (!Array.isArray(chunk) && isFrameLike(chunk)) {
    const names = chunk.columns
    const types = chunk.dtypes
    const want = shape.names
    const wantTypes = shape.types
    if (
      names.length === want.length &&
      names.every((c, j) => c === want[j] && (types[j] as pl.DataType).equals(wantTypes[j] as pl.DataType))
    )
      return chunk
    return checkSchema(chunk, example, i)
  }
  if (Array.isArray(chunk)) {
    if (chunk.length === 0) return example
    return fromRecords(chunk as FrameRecord[], example, i)
  }
  throw new TypeError(
    `toFrame: chunk ${i} must be a nodejs-polars DataFrame or an array of records, got ${show(chunk)}`,
  )
}

const INT_RANGE: Record<string, [number, number]> = {
  Int8: [-128, 127],
  Int16: [-32768, 32767],
  Int32: [-2147483648, 2147483647],
  Int64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  UInt8: [0, 255],
  UInt16: [0, 65535],
  UInt32: [0, 4294967295],
  UInt64: [0, Number.MAX_SAFE_INTEGER],
}

/** The dtype a JS value would have on its own, for error messages. */
function jsType(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? 'Int64' : 'Float64'
  if (typeof v === 'string') return 'String'
  if (typeof v === 'boolean') return 'Boolean'
  if (typeof v === 'bigint') return 'Int64'
  if (v instanceof Date) return 'Datetime'
  return Array.isArray(v) ? 'List' : typeof v
}

/** Does `v` belong in a column of `dtype` as it is (no rounding, parsing or wrapping)? */
function fits(v: unknown, dtype: pl.DataType): boolean {
  if (v === null || v === undefined) return true
  const kind = dtype.variant
  const range = INT_RANGE[kind]
  if (range !== undefined) {
    if (typeof v === 'bigint') return v >= BigInt(range[0]) && v <= BigInt(range[1])
    return typeof v === 'number' && Number.isInteger(v) && v >= range[0] && v <= range[1]
  }
  if (kind === 'Float32' || kind === 'Float64') return typeof v === 'number'
  if (kind === 'Utf8' || kind === 'String' || kind === 'Categorical') return typeof v === 'string'
  if (kind === 'Bool') return typeof v === 'boolean'
  if (kind === 'Datetime' || kind === 'Date') return v instanceof Date
  return true // nested and other dtypes: Polars builds them from the values
}

/**
 * Build a chunk from records column by column with the example's dtypes, checking every value: a value that
 * does not fit its column (a string in a Float64, 2.5 in an Int64, 1000 in an Int8) is a FrameSchemaError,
 * as is a key the example lacks. Absent keys are nulls.
 */
function fromRecords(records: FrameRecord[], example: pl.DataFrame, i: number): pl.DataFrame {
  const want = schemaOf(example)
  const extra = new Set<string>()
  for (const r of records) {
    if (r === null || typeof r !== 'object' || Array.isArray(r))
      throw new TypeError(`toFrame: chunk ${i} must hold plain records (objects), got ${show(r)} in it`)
    for (const k in r) if (!(k in want)) extra.add(k)
  }
  const firstExtra = [...extra][0]
  if (firstExtra !== undefined) {
    const r = records.find((x) => firstExtra in x) as Record<string, unknown>
    throw new FrameSchemaError(
      `toFrame: chunk ${i} does not match the example: column ${JSON.stringify(firstExtra)} is not in the example; extra columns: ${[...extra].join(', ')}`,
      firstExtra,
      'absent',
      jsType(r[firstExtra]),
      i,
      [],
      [...extra],
    )
  }
  const columns = example.columns.map((c) => {
    const dtype = want[c] as pl.DataType
    const values = new Array<unknown>(records.length)
    for (let j = 0; j < records.length; j++) {
      const v = (records[j] as Record<string, unknown>)[c]
      if (!fits(v, dtype))
        throw new FrameSchemaError(
          `toFrame: chunk ${i} does not match the example: column ${JSON.stringify(c)} is ${jsType(v)}, expected ${dtypeName(dtype)} (record ${j} has ${show(v)})`,
          c,
          dtypeName(dtype),
          jsType(v),
          i,
        )
      values[j] = v ?? null
    }
    return pl.Series(c, values, dtype)
  })
  return pl.DataFrame(columns)
}

function isFrameLike(x: unknown): x is pl.DataFrame {
  return x !== null && typeof x === 'object' && typeof (x as { lazy?: unknown }).lazy === 'function'
}

function checkSchema(df: pl.DataFrame, example: pl.DataFrame, i: number): pl.DataFrame {
  const want = schemaOf(example)
  const have = schemaOf(df)
  const missing = example.columns.filter((c) => !(c in have))
  const extra = df.columns.filter((c) => !(c in want))
  let bad: { column: string; expected: string; actual: string } | undefined
  for (const c of example.columns) {
    const w = want[c] as pl.DataType
    const h = have[c]
    if (h === undefined) bad ??= { column: c, expected: dtypeName(w), actual: 'missing' }
    else if (!h.equals(w)) bad ??= { column: c, expected: dtypeName(w), actual: dtypeName(h) }
  }
  const firstExtra = extra[0]
  if (bad === undefined && firstExtra !== undefined)
    bad = { column: firstExtra, expected: 'absent', actual: dtypeName(have[firstExtra] as pl.DataType) }
  if (bad !== undefined) {
    const parts: string[] = []
    if (bad.actual === 'missing') parts.push(`column ${JSON.stringify(bad.column)} is missing`)
    else if (bad.expected === 'absent') parts.push(`column ${JSON.stringify(bad.column)} is not in the example`)
    else parts.push(`column ${JSON.stringify(bad.column)} is ${bad.actual}, expected ${bad.expected}`)
    if (missing.length > 0) parts.push(`missing columns: ${missing.join(', ')}`)
    if (extra.length > 0) parts.push(`extra columns: ${extra.join(', ')}`)
    throw new FrameSchemaError(
      `toFrame: chunk ${i} does not match the example: ${parts.join('; ')}`,
      bad.column,
      bad.expected,
      bad.actual,
      i,
      missing,
      extra,
    )
  }
  const same = df.columns.length === example.columns.length && df.columns.every((c, j) => c === example.columns[j])
  return same ? df : df.select(...example.columns)
}
