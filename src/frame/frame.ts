import pl from 'nodejs-polars'
import { checkFunction, fail, show } from '../internal/check.js'
import { Rolling } from './rolling.js'
import { Window } from './window.js'
import { aggregateFrame } from './aggregate.js'
import { FrameGroupBy } from './groupby.js'
import { cumulative, reduction, type ReductionOptions } from './reductions.js'
import { isDataFrame, isExpr } from './internal/dtypes.js'
import { collect, type LazyStep } from './internal/collect.js'

/**
 * A logical DataFrame over a stream of nodejs-polars DataFrame chunks (Streamz `DataFrame`). Every operation
 * returns a new `StreamingFrame`; nothing runs until its {@link StreamingFrame.stream | stream} is iterated,
 * and then the results come chunk by chunk.
 *
 * Elementwise operations ({@link StreamingFrame.filter | filter}, {@link StreamingFrame.withColumns |
 * withColumns}, {@link StreamingFrame.assign | assign}, {@link StreamingFrame.select | select}) are not run one
 * by one: they pile up as one Polars lazy plan, collected once per chunk when the chunks are read or when a
 * reduction, groupby or other stateful step needs them (and then as part of that step's own plan).
 *
 * Built with {@link toFrame} (or {@link periodicFrame}, {@link randomFrame}, `Batch.toFrame`); the constructor is
 * internal and does not check its chunks.
 * @example
 * ```ts
 * const sdf = toFrame(chunks, { example })
 * for await (const df of sdf.filter(col('x').gt(lit(0))).stream) console.log(df.height)
 * ```
 */
export class StreamingFrame implements AsyncIterable<pl.DataFrame> {
  readonly #source: AsyncIterable<pl.DataFrame>
  readonly #steps: readonly LazyStep[]

  /** @internal */
  constructor(
    /** The chunks, one nodejs-polars DataFrame each. */
    stream: AsyncIterable<pl.DataFrame>,
    /** An empty DataFrame with the schema every chunk has (after the pending steps, when given). */
    readonly example: pl.DataFrame,
    /** Elementwise steps not applied to `stream` yet: run as one lazy plan per chunk. @internal */
    steps: readonly LazyStep[] = [],
  ) {
    this.#source = stream
    this.#steps = steps
  }

  /** The chunks, one nodejs-polars DataFrame each (pending elementwise steps collected once per chunk). */
  get stream(): AsyncIterable<pl.DataFrame> {
    return this.chunks()
  }

  /** Iterate the chunks: `for await (const df of sdf)` is `for await (const df of sdf.stream)`. */
  [Symbol.asyncIterator](): AsyncIterator<pl.DataFrame> {
    return this.chunks()[Symbol.asyncIterator]()
  }

  /**
   * The chunks with the pending steps and then `last` applied, in one collect each. @internal
   */
  chunks(last?: LazyStep): AsyncIterable<pl.DataFrame> {
    const source = this.#source
    const steps = last === undefined ? this.#steps : [...this.#steps, last]
    if (steps.length === 0) return source
    return {
      async *[Symbol.asyncIterator]() {
        for await (const df of source) yield collect(df, steps)
      },
    }
  }

  /**
   * Per chunk, its lazy plan: the pending steps not yet collected, for a stateful step to finish and collect
   * as one plan with its own work. @internal
   */
  plans(): AsyncIterable<pl.LazyDataFrame> {
    const source = this.#source
    const steps = this.#steps
    return {
      async *[Symbol.asyncIterator]() {
        for await (const df of source) {
          let lf = df.lazy()
          for (const step of steps) lf = step(lf)
          yield lf
        }
      },
    }
  }

  /** A frame with one more elementwise step; its example is computed (and the step checked) at once. */
  #then(op: string, step: LazyStep): StreamingFrame {
    let example: pl.DataFrame
    try {
      example = collect(this.example, [step])
    } catch (err) {
      throw new TypeError(`StreamingFrame.${op}: ${(err as Error).message.split('\n')[0] ?? ''}`, { cause: err })
    }
    return new StreamingFrame(this.#source, example, [...this.#steps, step])
  }

  /**
   * Keep the rows where `predicate` is true (Streamz `sdf[sdf.name == 'Alice']`). Elementwise: joins the lazy plan.
   * @param predicate - a boolean Polars expression
   * @example
   * ```ts
   * sdf.filter(col('name').eq(lit('Alice')))
   * ```
   */
  filter(predicate: pl.Expr): StreamingFrame {
    checkExpr('filter', 'predicate', predicate)
    return this.#then('filter', (lf) => lf.filter(predicate))
  }

  /**
   * Add or replace columns computed from expressions (named by their `alias`). Elementwise: joins the lazy plan.
   * @param exprs - Polars expressions, e.g. `col('x').plus(col('y')).alias('z')`
   * @example
   * ```ts
   * sdf.withColumns(col('x').plus(col('y')).alias('z'), col('x').mul(lit(2)).alias('x2'))
   * ```
   */
  withColumns(...exprs: pl.Expr[]): StreamingFrame {
    exprs.forEach((e, i) => checkExpr('withColumns', `exprs[${i}]`, e))
    return this.#then('withColumns', (lf) => lf.withColumns(...exprs))
  }

  /**
   * Add or replace columns by name (Streamz `sdf.assign(z=sdf.x + sdf.y)`): each value is a Polars expression,
   * or a number, string or boolean broadcast to every row. Elementwise: joins the lazy plan.
   * @param columns - column name to expression or constant
   * @example
   * ```ts
   * sdf.assign({ z: col('x').plus(col('y')), source: 'sensor-1' })
   * ```
   */
  assign(columns: Record<string, pl.Expr | number | string | boolean>): StreamingFrame {
    if (columns === null || typeof columns !== 'object' || Array.isArray(columns))
      fail(TypeError, 'StreamingFrame.assign', 'columns', 'an object of column name to expression', columns)
    const exprs = Object.entries(columns).map(([name, v]) => {
      if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return pl.lit(v).alias(name)
      checkExpr('assign', `columns.${name}`, v)
      return v.alias(name)
    })
    return this.#then('assign', (lf) => lf.withColumns(...exprs))
  }

  /**
   * Keep (or compute) only these columns, in this order (Streamz `sdf[['x', 'y']]`, `sdf.amount`).
   * Elementwise: joins the lazy plan.
   * @param columns - column names or expressions (an array works too)
   * @example
   * ```ts
   * sdf.select('amount').sum()
   * sdf.select('name', col('amount').mul(lit(100)).alias('cents'))
   * ```
   */
  select(...columns: (string | pl.Expr | (string | pl.Expr)[])[]): StreamingFrame {
    const flat = columns.flat()
    if (flat.length === 0) fail(TypeError, 'StreamingFrame.select', 'columns', 'at least one column', flat)
    flat.forEach((c, i) => {
      if (typeof c === 'string') {
        if (!this.example.columns.includes(c))
          throw new RangeError(
            `StreamingFrame.select: columns[${i}] must be a column of the frame (${this.example.columns.join(', ')}), got ${show(c)}`,
          )
      } else checkExpr('select', `columns[${i}]`, c)
    })
    // column names become expressions here, once, not per chunk (nodejs-polars wraps each one it makes)
    const exprs = flat.map((c) => (typeof c === 'string' ? pl.col(c) : c))
    return this.#then('select', (lf) => lf.select(...exprs))
  }

  /**
   * Apply `fn` to every chunk (Streamz `map_partitions`): any DataFrame-to-DataFrame function, for what
   * expressions can't say. `fn` is called once on the (empty) example to learn the result's schema.
   * Not elementwise: the pending plan is collected before `fn` runs.
   * @param fn - a function of one chunk, returning a DataFrame
   * @example
   * ```ts
   * sdf.mapChunks((df) => df.unique({ subset: ['id'] }))
   * ```
   */
  mapChunks(fn: (chunk: pl.DataFrame) => pl.DataFrame): StreamingFrame {
    checkFunction('StreamingFrame.mapChunks', 'fn', fn)
    const example = fn(this.example)
    if (!isDataFrame(example))
      fail(TypeError, 'StreamingFrame.mapChunks', 'fn', 'a function returning a DataFrame', example)
    const input = this.chunks()
    return new StreamingFrame(
      {
        async *[Symbol.asyncIterator]() {
          for await (const df of input) yield fn(df)
        },
      },
      example.head(0),
    )
  }

  /**
   * Running sum of every numeric column over the whole stream: one single-row DataFrame per chunk.
   * @example
   * ```ts
   * sdf.select('amount').sum() // chunks [1, 2] then [3]: { amount: 3 } then { amount: 6 }
   * ```
   */
  sum(): StreamingFrame {
    return reduction(this, 'sum')
  }

  /**
   * Running mean of every numeric column (nulls skipped, as pandas skips NaN): one single-row Float64 DataFrame per chunk.
   * @example
   * ```ts
   * sdf.mean() // chunks x: [1, 2] then [6]: { x: 1.5 } then { x: 3 }
   * ```
   */
  mean(): StreamingFrame {
    return reduction(this, 'mean')
  }

  /**
   * Running count of non-null values of every column: one single-row Int64 DataFrame per chunk.
   * @example
   * ```ts
   * sdf.count() // { name: 3, amount: 2 } when one of three amounts is null
   * ```
   */
  count(): StreamingFrame {
    return reduction(this, 'count')
  }

  /**
   * Running number of elements (rows × columns, as pandas `size`): a single-row DataFrame `{ size }` per chunk.
   * @example
   * ```ts
   * sdf.select('x').size() // chunks of 2 and 3 rows: { size: 2 } then { size: 5 }
   * ```
   */
  size(): StreamingFrame {
    return reduction(this, 'size')
  }

  /**
   * Running minimum of every numeric column: one single-row DataFrame per chunk (null until a value was seen).
   * @example
   * ```ts
   * sdf.min() // chunks x: [3, 5] then [1]: { x: 3 } then { x: 1 }
   * ```
   */
  min(): StreamingFrame {
    return reduction(this, 'min')
  }

  /**
   * Running maximum of every numeric column: one single-row DataFrame per chunk (null until a value was seen).
   * @example
   * ```ts
   * sdf.max() // chunks x: [3, 5] then [1]: { x: 5 } then { x: 5 }
   * ```
   */
  max(): StreamingFrame {
    return reduction(this, 'max')
  }

  /**
   * Running variance of every numeric column, `ddof` 1 by default (pandas): one single-row Float64 DataFrame per
   * chunk, null while a column has no more than `ddof` values. Merged across chunks with Chan's formula, so it
   * stays accurate over long streams.
   * @param options - `ddof`: delta degrees of freedom (default 1)
   * @example
   * ```ts
   * sdf.var() // chunks x: [1, 2] then [3]: { x: 0.5 } then { x: 1 }
   * ```
   */
  var(options: ReductionOptions = {}): StreamingFrame {
    return reduction(this, 'var', options)
  }

  /**
   * Running standard deviation of every numeric column (the square root of {@link StreamingFrame.var | var}).
   * @param options - `ddof`: delta degrees of freedom (default 1)
   * @example
   * ```ts
   * sdf.std({ ddof: 0 })
   * ```
   */
  std(options: ReductionOptions = {}): StreamingFrame {
    return reduction(this, 'std', options)
  }

  /**
   * Cumulative sum over the whole stream: each chunk's rows, numeric columns replaced by their running sums
   * (carried across chunks; nulls stay null and are skipped), other columns as they are.
   * @example
   * ```ts
   * sdf.cumsum() // chunks x: [1, 2] then [3]: x [1, 3] then [6]
   * ```
   */
  cumsum(): StreamingFrame {
    return cumulative(this, 'cumsum')
  }

  /**
   * Cumulative product over the whole stream (see {@link StreamingFrame.cumsum | cumsum}).
   * @example
   * ```ts
   * sdf.cumprod() // chunks x: [1, 2] then [3]: x [1, 2] then [6]
   * ```
   */
  cumprod(): StreamingFrame {
    return cumulative(this, 'cumprod')
  }

  /**
   * Cumulative minimum over the whole stream (see {@link StreamingFrame.cumsum | cumsum}).
   * @example
   * ```ts
   * sdf.cummin() // chunks x: [3, 4] then [1]: x [3, 3] then [1]
   * ```
   */
  cummin(): StreamingFrame {
    return cumulative(this, 'cummin')
  }

  /**
   * Cumulative maximum over the whole stream (see {@link StreamingFrame.cumsum | cumsum}).
   * @example
   * ```ts
   * sdf.cummax() // chunks x: [3, 4] then [1]: x [3, 4] then [4]
   * ```
   */
  cummax(): StreamingFrame {
    return cumulative(this, 'cummax')
  }

  /**
   * Running groupby-aggregations by one or several key columns (Streamz `sdf.groupby('name').amount.mean()`):
   * pick columns with `.col(...)`, then `sum`, `mean`, `count`, `size`, `var`, `std`, `min` or `max`.
   * @param keys - a key column name or several
   * @example
   * ```ts
   * sdf.groupBy('name').col('amount').mean()
   * sdf.groupBy(['region', 'name']).sum()
   * ```
   */
  groupBy(keys: string | readonly string[]): FrameGroupBy {
    return new FrameGroupBy(this, keys)
  }

  /**
   * Rolling aggregations over the last `window` rows, or over a time span of column `on`.
   * @example
   * ```ts
   * sdf.rolling(20).col('x').mean()
   * ```
   */
  rolling(window: number | string, options?: ConstructorParameters<typeof Rolling>[2]): Rolling {
    return new Rolling(this, window, options)
  }

  /**
   * Windowed aggregations over the last `n` rows, or the last `value` of column `on`.
   * @example
   * ```ts
   * sdf.window({ n: 100 }).sum()
   * ```
   */
  window(spec: ConstructorParameters<typeof Window>[1]): Window {
    return new Window(this, spec)
  }

  /**
   * A custom running aggregation (`initial`, `onNew`, `onOld`).
   * @example
   * ```ts
   * sdf.aggregate(agg)
   * ```
   */
  aggregate(agg: Parameters<typeof aggregateFrame>[1]): ReturnType<typeof aggregateFrame> {
    return aggregateFrame(this, agg)
  }
}

function checkExpr(op: string, arg: string, value: unknown): asserts value is pl.Expr {
  if (!isExpr(value)) fail(TypeError, `StreamingFrame.${op}`, arg, 'a Polars expression (col, lit, ...)', value)
}
