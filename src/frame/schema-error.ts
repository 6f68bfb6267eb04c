/**
 * A chunk whose columns or dtypes differ from the example's: thrown by {@link toFrame} (or handed to its
 * `onError` callback). `column` is the first offending column; `expected` and `actual` are its dtypes as
 * Polars prints them (`'Float64'`, `'String'`; `'missing'` when the chunk lacks the column, `'absent'`
 * when the example does). `missing` and `extra` list every column the chunk lacks or adds.
 * @example
 * ```ts
 * const sdf = toFrame(chunks, { example, onError: (err) => console.warn(err.message) })
 * // "toFrame: chunk 3 does not match the example: column "amount" is String, expected Float64"
 * ```
 */
export class FrameSchemaError extends TypeError {
  override readonly name = 'FrameSchemaError'
  constructor(
    message: string,
    /** The first column that differs. */
    readonly column: string,
    /** Its dtype in the example (`'absent'` for an extra column). */
    readonly expected: string,
    /** Its dtype in the chunk (`'missing'` for a missing column). */
    readonly actual: string,
    /** Position of the chunk in the stream (0-based). */
    readonly chunk: number,
    /** Columns of the example the chunk lacks. */
    readonly missing: readonly string[] = [],
    /** Columns of the chunk the example lacks. */
    readonly extra: readonly string[] = [],
  ) {
    super(message)
  }
}
