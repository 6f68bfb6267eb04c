import type pl from 'nodejs-polars'

/**
 * A logical DataFrame over a stream of nodejs-polars DataFrame chunks (Streamz `DataFrame`).
 * Every operation returns a new streaming object; nothing runs until its `stream` is iterated.
 * Built with {@link toFrame}; the constructor is internal and does not check its chunks.
 * @example
 * const sdf = toFrame(chunks, { example })
 * for await (const df of sdf.filter(col('x').gt(lit(0))).stream) console.log(df.height)
 */
export class StreamingFrame {
  /** @internal */
  constructor(
    /** The chunks, one nodejs-polars DataFrame each. */
    readonly stream: AsyncIterable<pl.DataFrame>,
    /** An empty DataFrame with the schema every chunk has. */
    readonly example: pl.DataFrame,
  ) {}
}
