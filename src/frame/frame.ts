import pl from 'nodejs-polars'
import { Rolling } from './rolling.js'
import { Window } from './window.js'
import { aggregateFrame } from './aggregate.js'

/** One pending elementwise step: a function of the chunk's lazy plan. @internal */
export type LazyStep = (lf: pl.LazyDataFrame) => pl.LazyDataFrame

/**
 * A logical DataFrame over a stream of nodejs-polars DataFrame chunks (Streamz `DataFrame`).
 * Every operation returns a new streaming object; nothing runs until its `stream` is iterated.
 * Built with {@link toFrame}; the constructor is internal and does not check its chunks.
 * @example
 * const sdf = toFrame(chunks, { example })
 * for await (const df of sdf.filter(col('x').gt(lit(0))).stream) console.log(df.height)
 */
export class StreamingFrame {
  readonly #source: AsyncIterable<pl.DataFrame>
  readonly #steps: readonly LazyStep[]

  /** @internal */
  constructor(
    /** The chunks, one nodejs-polars DataFrame each. */
    stream: AsyncIterable<pl.DataFrame>,
    /** An empty DataFrame with the schema every chunk has. */
    readonly example: pl.DataFrame,
    /** Elementwise steps not applied yet: run as one lazy plan per chunk. @internal */
    steps: readonly LazyStep[] = [],
  ) {
    this.#source = stream
    this.#steps = steps
  }

  /** The chunks, one nodejs-polars DataFrame each (pending elementwise steps collected once per chunk). */
  get stream(): AsyncIterable<pl.DataFrame> {
    const source = this.#source
    const steps = this.#steps
    if (steps.length === 0) return source
    return {
      async *[Symbol.asyncIterator]() {
        for await (const df of source) yield collectSteps(df, steps)
      },
    }
  }

  /**
   * Rolling aggregations over the last `window` rows, or over a time span of column `on`.
   * @example
   * sdf.rolling(20).col('x').mean()
   */
  rolling(window: number | string, options?: { on?: string }): Rolling {
    return new Rolling(this, window, options)
  }

  /**
   * Windowed aggregations over the last `n` rows, or the last `value` of column `on`.
   * @example
   * sdf.window({ n: 100 }).sum()
   */
  window(spec: { n: number } | { value: string | number; on: string }): Window {
    return new Window(this, spec)
  }

  /**
   * A custom running aggregation (`initial`, `onNew`, `onOld`).
   * @example
   * sdf.aggregate(agg)
   */
  aggregate(agg: Parameters<typeof aggregateFrame>[1]): ReturnType<typeof aggregateFrame> {
    return aggregateFrame(this, agg)
  }
}

/** Apply the pending steps to one chunk with a single collect. @internal */
export function collectSteps(df: pl.DataFrame, steps: readonly LazyStep[]): pl.DataFrame {
  let lf = df.lazy()
  for (const step of steps) lf = step(lf)
  return lf.collectSync()
}
