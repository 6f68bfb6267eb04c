import pl from 'nodejs-polars'
import { checkInteger, fail, show } from '../internal/check.js'
import { StreamingFrame } from './frame.js'
import { type Aggregation, checkAggregation, resultExample, stack, step } from './aggregate.js'
import { Backlog } from './internal-backlog.js'
import { Bounds, floatExample, timeAxis, valueColumns } from './internal-columns.js'
import { float64Columns, frameOf, type OutColumn } from './internal-native.js'
import { ColumnStat, type StatName } from './internal-kernels.js'

/** Options for {@link StreamingFrame.rolling}. */
export interface RollingOptions {
  /**
   * The column whose values span the window: a Datetime column (the window is then a duration, `'100ms'`,
   * `'2h'` or a number of ms) or a numeric one (a number in its units). Without `on` the window counts rows.
   * The column must be sorted ascending across the stream.
   */
  on?: string
  /**
   * Fewest non-missing values a window needs for a result; below it the result is null. Default: the window
   * length for a window of rows (as pandas: the first `n - 1` rows of the stream give null), 1 for a span.
   * `count()` always gives a number.
   */
  minPeriods?: number
}

/**
 * Rolling aggregations of a {@link StreamingFrame} (Streamz `Rolling`): for every row of every chunk, a
 * statistic of the window that ends at that row: the last `n` rows (`sdf.rolling(n)`), or the rows whose
 * `on` value lies within a span of it (`sdf.rolling('100ms', { on: 'time' })`: the half-open interval
 * (t - 100 ms, t], as pandas). Each chunk gives a result chunk of the same height, computed with the rows of
 * earlier chunks as history.
 *
 * Incremental: the backlog is kept as typed arrays per column, and each row updates the statistic as it
 * enters and as older rows leave (compensated sums; Welford's update for var/std; a monotonic deque for
 * min/max; two heaps for median/quantile). A chunk of c rows costs O(c) (O(c log w) for median/quantile),
 * whatever the window length w (Streamz copies the whole backlog on every chunk).
 *
 * Results are float64 columns named as the input columns (and, for a span window, the `on` column as it
 * was, in its place); where pandas gives NaN (too few values, see {@link RollingOptions.minPeriods}) the
 * result is null. A missing input value (null or NaN) is skipped, as pandas does. Pick columns with
 * {@link Rolling.col}; without it, every numeric column (but `on`) is aggregated.
 * @example
 * ```ts
 * const means = sdf.rolling(20).col('x').mean() // a StreamingFrame: column x, one row per input row
 * const perSecond = sdf.rolling('1s', { on: 'time' }).col('amount').sum()
 * ```
 */
export class Rolling {
  readonly #frame: StreamingFrame
  readonly #window: number | string
  readonly #options: RollingOptions
  readonly #columns: readonly string[]
  readonly #n: number | undefined
  readonly #bounds: () => Bounds
  readonly #minPeriods: number

  /** @internal (use {@link StreamingFrame.rolling}) */
  constructor(
    frame: StreamingFrame,
    window: number | string,
    options: RollingOptions = {},
    columns?: readonly string[],
  ) {
    const op = 'rolling'
    if (options === null || typeof options !== 'object') fail(TypeError, op, 'options', 'an options object', options)
    const { on, minPeriods } = options
    this.#frame = frame
    this.#window = window
    this.#options = options
    const example = frame.example
    if (on === undefined) {
      if (typeof window === 'string')
        throw new TypeError(`rolling: a window of ${show(window)} spans time: name its column with options.on`)
      checkInteger(op, 'window', window, 1)
      const n = window
      this.#n = n
      this.#bounds = () => new Bounds(op, n, undefined)
    } else {
      const axis = timeAxis(op, example, on, window, 'window')
      this.#n = undefined
      this.#bounds = () => new Bounds(op, undefined, axis)
    }
    if (minPeriods !== undefined) checkInteger(op, 'options.minPeriods', minPeriods, 0)
    this.#minPeriods = minPeriods ?? this.#n ?? 1
    this.#columns = valueColumns(op, example, columns, on === undefined ? [] : [on])
  }

  /**
   * Aggregate only these columns (Streamz `sdf.rolling(n).x`).
   * @param columns - column names, or arrays of them (`col('x', 'y')` or `col(['x', 'y'])`)
   * @returns a Rolling over those columns
   * @example
   * ```ts
   * sdf.rolling(20).col('x', 'y').mean()
   * ```
   */
  col(...columns: (string | readonly string[])[]): Rolling {
    const names = columns.flat()
    if (names.length === 0 || names.some((c) => typeof c !== 'string'))
      fail(
        TypeError,
        'rolling.col',
        'columns',
        'column names (or arrays of them)',
        columns.length === 0 ? undefined : columns,
      )
    return new Rolling(this.#frame, this.#window, this.#options, names)
  }

  /**
   * Rolling sum (null below `minPeriods` values).
   * @example
   * ```ts
   * sdf.rolling(3).col('x').sum()
   * ```
   */
  sum(): StreamingFrame {
    return this.#stat('sum', 0)
  }

  /**
   * Rolling mean.
   * @example
   * ```ts
   * sdf.rolling(20).col('x').mean()
   * ```
   */
  mean(): StreamingFrame {
    return this.#stat('mean', 0)
  }

  /**
   * Number of non-missing values in each window (never null: as pandas, `minPeriods` does not apply).
   * @example
   * ```ts
   * sdf.rolling('1m', { on: 'time' }).col('x').count()
   * ```
   */
  count(): StreamingFrame {
    return this.#stat('count', 0)
  }

  /**
   * Rolling minimum (a monotonic deque: O(1) amortized per row).
   * @example
   * ```ts
   * sdf.rolling(100).col('price').min()
   * ```
   */
  min(): StreamingFrame {
    return this.#stat('min', 0)
  }

  /**
   * Rolling maximum (a monotonic deque: O(1) amortized per row).
   * @example
   * ```ts
   * sdf.rolling(100).col('price').max()
   * ```
   */
  max(): StreamingFrame {
    return this.#stat('max', 0)
  }

  /**
   * Rolling median (the mean of the two middle values for an even count); O(log window) per row.
   * @example
   * ```ts
   * sdf.rolling(101).col('latency').median()
   * ```
   */
  median(): StreamingFrame {
    return this.#stat('median', 0)
  }

  /**
   * Rolling quantile with linear interpolation between the two nearest values (pandas' default); O(log
   * window) per row.
   * @param q - the quantile, in [0, 1]
   * @example
   * ```ts
   * sdf.rolling('100ms', { on: 'time' }).col('x').quantile(0.9)
   * ```
   */
  quantile(q: number): StreamingFrame {
    if (typeof q !== 'number' || !(q >= 0 && q <= 1)) fail(RangeError, 'rolling.quantile', 'q', 'a number in [0, 1]', q)
    return this.#stat('quantile', q)
  }

  /**
   * Rolling variance (`ddof` 1 by default, as pandas).
   * @param ddof - delta degrees of freedom: the divisor is `count - ddof`
   * @example
   * ```ts
   * sdf.rolling(50).col('x').var()
   * ```
   */
  var(ddof = 1): StreamingFrame {
    checkInteger('rolling.var', 'ddof', ddof, 0)
    return this.#stat('var', ddof)
  }

  /**
   * Rolling standard deviation (`ddof` 1 by default, as pandas).
   * @param ddof - delta degrees of freedom
   * @example
   * ```ts
   * sdf.rolling(50).col('x').std()
   * ```
   */
  std(ddof = 1): StreamingFrame {
    checkInteger('rolling.std', 'ddof', ddof, 0)
    return this.#stat('std', ddof)
  }

  /**
   * A custom {@link Aggregation} per row: each row of a chunk goes to `onNew` as a one-row frame, the rows
   * that leave the window then go to `onOld`, and the last result of each row becomes that row's result; a
   * chunk gives the results stacked. Its cost per row does not grow with the window, but there are a few
   * Polars calls per row: prefer the built-in statistics when one fits. (Streamz's `Rolling.aggregate` runs
   * a pandas function on each window instead.)
   * @param agg - the aggregation (with `onOld`)
   * @returns a streaming frame of the results, one row per input row (if each result has one row)
   * @example
   * ```ts
   * sdf.rolling(100).aggregate(mean) // `mean` as in the Aggregation example
   * ```
   */
  aggregate<S>(agg: Aggregation<S>): StreamingFrame {
    const op = 'rolling.aggregate'
    checkAggregation(op, agg, true)
    const source = this.#frame.stream
    const example = this.#frame.example.head(0)
    const out = resultExample(op, agg, example)
    const makeBounds = this.#bounds
    const n = this.#n ?? 0
    async function* rollingAggregateStage(): AsyncGenerator<pl.DataFrame, void, undefined> {
      const bounds = makeBounds()
      const backlog = new Backlog()
      let state = agg.initial(example)
      for await (const chunk of source) {
        const base = backlog.end
        const starts = bounds.rowStarts(chunk)
        backlog.push(chunk)
        const results: pl.DataFrame[] = []
        for (let i = 0; i < chunk.height; i++) {
          let [s, r] = step(op, 'onNew', agg.onNew(state, chunk.slice(i, 1)))
          const from = starts === null ? Math.max(0, base + i + 1 - n) : (starts[i] as number)
          for (const gone of backlog.evictTo(from))
            [s, r] = step(op, 'onOld', (agg.onOld as NonNullable<Aggregation<S>['onOld']>).call(agg, s, gone))
          state = s
          results.push(r)
        }
        yield stack(results, out)
      }
    }
    return new StreamingFrame({ [Symbol.asyncIterator]: rollingAggregateStage }, out)
  }

  #stat(stat: StatName, param: number): StreamingFrame {
    const source = this.#frame.stream
    const columns = this.#columns
    const on = this.#options.on
    const minPeriods = stat === 'count' ? 0 : this.#minPeriods
    const makeBounds = this.#bounds
    const n = this.#n ?? 0
    const example = this.#frame.example
    // the output columns, in the frame's order: `on` as it is, the value columns as float64
    const order = example.columns.filter((c) => c === on || columns.includes(c))
    const floats = floatExample(columns)
    const outExample =
      on === undefined ? floats : pl.concat([example.select(on), floats], { how: 'horizontal' }).select(...order)
    async function* rollingStage(): AsyncGenerator<pl.DataFrame, void, undefined> {
      const bounds = makeBounds()
      const stats = columns.map(() => new ColumnStat(stat, minPeriods, param))
      const buffers = columns.map(() => new Float64Array(0))
      for await (const chunk of source) {
        const starts = bounds.rowStarts(chunk)
        const values = float64Columns(chunk, columns)
        const outs = new Map<string, OutColumn>()
        columns.forEach((c, i) => {
          // the results are copied into Polars: one buffer per column serves every chunk of its height
          let out = buffers[i] as Float64Array
          if (out.length !== chunk.height) buffers[i] = out = new Float64Array(chunk.height)
          const nan = (stats[i] as ColumnStat).roll(values[i] as Float64Array, starts, n, out)
          outs.set(c, { name: c, values: out, nan })
        })
        yield frameOf(order.map((c): OutColumn => outs.get(c) ?? { name: c, from: chunk }))
      }
    }
    return new StreamingFrame({ [Symbol.asyncIterator]: rollingStage }, outExample)
  }
}
