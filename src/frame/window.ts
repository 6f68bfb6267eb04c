import pl from 'nodejs-polars'
import { checkFunction, checkInteger, fail, show } from '../internal/check.js'
import { StreamingFrame } from './frame.js'
import { type Aggregation, checkAggregation, resultExample, step } from './aggregate.js'
import { Backlog } from './internal-backlog.js'
import { Bounds, timeAxis, valueColumns } from './internal-columns.js'
import { ColumnStat, type StatName } from './internal-kernels.js'
import { float64Columns } from './internal-native.js'
import { isDataFrame } from './internal/dtypes.js'
import { compareKeys, fromKey, mapKey } from './internal-keys.js'
import { WindowGroupBy } from './window-groupby.js'

/**
 * Which rows a {@link Window} holds: the last `n` rows, or the rows whose `on` value lies within `value` of
 * the newest one (the half-open span (newest - value, newest]). `on` is a Datetime column (then `value` is a
 * duration: `'2h'`, `'500ms'` or a number of ms) or a numeric column (a number in its units), sorted
 * ascending across the stream.
 * @example
 * ```ts
 * const lastHundred: WindowSpec = { n: 100 }
 * const lastTwoHours: WindowSpec = { value: '2h', on: 'time' }
 * sdf.window(lastTwoHours).sum()
 * ```
 */
export type WindowSpec = { readonly n: number } | { readonly value: string | number; readonly on: string }

/** The checked spec: how to start the window after each chunk. @internal */
export function windowBounds(op: string, example: pl.DataFrame, spec: unknown): () => Bounds {
  if (spec === null || typeof spec !== 'object') fail(TypeError, op, 'spec', '{ n } or { value, on }', spec)
  const s = spec as { n?: unknown; value?: unknown; on?: unknown }
  if (s.n !== undefined) {
    if (s.value !== undefined || s.on !== undefined)
      throw new TypeError(`${op}: spec takes either n or value and on, got ${JSON.stringify(Object.keys(s))}`)
    checkInteger(op, 'spec.n', s.n, 1)
    const n = s.n as number
    return () => new Bounds(op, n, undefined)
  }
  if (s.value === undefined) fail(TypeError, op, 'spec', '{ n } or { value, on }', spec)
  if (s.on === undefined) throw new TypeError(`${op}: a window of value ${show(s.value)} needs spec.on, its column`)
  const axis = timeAxis(op, example, s.on, s.value, 'spec.value')
  return () => new Bounds(op, undefined, axis)
}

/**
 * Windowed aggregations of a {@link StreamingFrame} (Streamz `sdf.window(n=...)` / `window(value='2h')`): a
 * window that slides over the stream (the last `n` rows, or the last span of time of column `on`), and per
 * chunk one result: the aggregation over the rows in the window once the chunk is in.
 *
 * Incremental: the rows stay in the chunks they came in (no copy); each chunk is folded into the running
 * state as it enters and each row is taken out of it as it leaves, so a chunk costs O(its rows), whatever the
 * window length. `sum`, `mean`, `count`, `var` and `std` give a one-row frame with one float64 column per
 * value column (null where there is no value); pick columns with {@link Window.col}, or every numeric column
 * is aggregated. {@link Window.apply} hands the whole window to a function, {@link Window.valueCounts}
 * counts values, {@link Window.groupBy} aggregates per group, {@link Window.aggregate} runs a custom
 * {@link Aggregation}.
 * @example
 * ```ts
 * sdf.window({ n: 100 }).col('amount').sum() // the sum of the last 100 amounts, after each chunk
 * sdf.window({ value: '2h', on: 'time' }).groupBy('name').col('amount').mean()
 * ```
 */
export class Window {
  readonly #frame: StreamingFrame
  readonly #spec: WindowSpec
  readonly #columns: readonly string[] | undefined
  readonly #bounds: () => Bounds

  /** @internal (use {@link StreamingFrame.window}) */
  constructor(frame: StreamingFrame, spec: WindowSpec, columns?: readonly string[]) {
    this.#frame = frame
    this.#spec = spec
    this.#bounds = windowBounds('window', frame.example, spec)
    this.#columns = columns
    if (columns !== undefined) valueColumns('window.col', frame.example, columns, [], false)
  }

  /**
   * Aggregate only these columns (Streamz `sdf.window(n=100).amount`).
   * @param columns - column names, or arrays of them (`col('x', 'y')` or `col(['x', 'y'])`)
   * @returns a Window over those columns
   * @example
   * ```ts
   * sdf.window({ n: 100 }).col('x', 'y').mean()
   * ```
   */
  col(...columns: (string | readonly string[])[]): Window {
    const names = columns.flat()
    if (names.length === 0 || names.some((c) => typeof c !== 'string'))
      fail(
        TypeError,
        'window.col',
        'columns',
        'column names (or arrays of them)',
        columns.length === 0 ? undefined : columns,
      )
    return new Window(this.#frame, this.#spec, names)
  }

  /**
   * Sum of each value column over the window (0 when it holds no value).
   * @example
   * ```ts
   * sdf.window({ n: 100 }).col('amount').sum()
   * ```
   */
  sum(): StreamingFrame {
    return this.#stat('sum', 0)
  }

  /**
   * Mean of each value column over the window.
   * @example
   * ```ts
   * sdf.window({ value: '1m', on: 'time' }).col('latency').mean()
   * ```
   */
  mean(): StreamingFrame {
    return this.#stat('mean', 0)
  }

  /**
   * Number of non-missing values of each value column in the window.
   * @example
   * ```ts
   * sdf.window({ n: 1000 }).count()
   * ```
   */
  count(): StreamingFrame {
    return this.#stat('count', 0)
  }

  /**
   * Variance of each value column over the window (`ddof` 1 by default, as pandas; null with `ddof` values
   * or fewer).
   * @param ddof - delta degrees of freedom
   * @example
   * ```ts
   * sdf.window({ n: 100 }).col('x').var()
   * ```
   */
  var(ddof = 1): StreamingFrame {
    checkInteger('window.var', 'ddof', ddof, 0)
    return this.#stat('var', ddof)
  }

  /**
   * Standard deviation of each value column over the window (`ddof` 1 by default).
   * @param ddof - delta degrees of freedom
   * @example
   * ```ts
   * sdf.window({ n: 100 }).col('x').std()
   * ```
   */
  std(ddof = 1): StreamingFrame {
    checkInteger('window.std', 'ddof', ddof, 0)
    return this.#stat('std', ddof)
  }

  /**
   * Call `fn` with the whole window as one DataFrame after each chunk (its chunks put together without
   * copying their data) and emit what it returns. `fn` sees every row of the window each time, so its own
   * cost grows with the window; prefer the incremental aggregations when one fits. To know the result's
   * columns, `fn` is called once with the empty example when the stream is built.
   * @param fn - a function of the window's rows, returning a DataFrame
   * @example
   * ```ts
   * sdf.window({ n: 500 }).apply((w) => w.select(pl.col('x').quantile(0.99)))
   * ```
   */
  apply(fn: (window: pl.DataFrame) => pl.DataFrame): StreamingFrame {
    const op = 'window.apply'
    checkFunction(op, 'fn', fn)
    const source = this.#frame.stream
    const empty = this.#frame.example.head(0)
    const picked = this.#columns
    const call = (df: pl.DataFrame): pl.DataFrame => {
      const r = fn(picked === undefined ? df : df.select(...picked))
      if (!isDataFrame(r)) fail(TypeError, op, "fn's result", 'a DataFrame', r)
      return r
    }
    const example = call(empty).head(0)
    const makeBounds = this.#bounds
    async function* windowApplyStage(): AsyncGenerator<pl.DataFrame, void, undefined> {
      const bounds = makeBounds()
      const backlog = new Backlog()
      for await (const chunk of source) {
        const start = bounds.chunkStart(chunk)
        backlog.push(chunk)
        backlog.evictTo(start)
        const frames = backlog.frames()
        yield call(
          frames.length === 0
            ? empty
            : frames.length === 1
              ? (frames[0] as pl.DataFrame)
              : pl.concat(frames, { how: 'vertical', rechunk: false }),
        )
      }
    }
    return new StreamingFrame({ [Symbol.asyncIterator]: windowApplyStage }, example)
  }

  /**
   * Count each distinct value of one column in the window (Streamz `window(...).x.value_counts()`): a frame
   * with the column (its distinct values, sorted) and `count`, after each chunk. Values that left the
   * window are dropped (Streamz keeps them with a count of 0). Pick the column with {@link Window.col}.
   * @example
   * ```ts
   * sdf.window({ value: '10m', on: 'time' }).col('name').valueCounts()
   * ```
   */
  valueCounts(): StreamingFrame {
    const op = 'window.valueCounts'
    const cols = this.#columns
    if (cols?.length !== 1)
      throw new TypeError(`${op}: pick exactly one column first, as in window(spec).col('name').valueCounts()`)
    const column = cols[0] as string
    const dtype = (this.#frame.example.schema as Record<string, pl.DataType>)[column] as pl.DataType
    const example = pl.DataFrame([pl.Series(column, [], dtype), pl.Series('count', [], pl.Int64)])
    const source = this.#frame.stream
    const makeBounds = this.#bounds
    async function* valueCountsStage(): AsyncGenerator<pl.DataFrame, void, undefined> {
      const bounds = makeBounds()
      const backlog = new Backlog()
      const counts = new Map<unknown, number>()
      const fold = (df: pl.DataFrame, sign: number): void => {
        if (df.height === 0) return
        const vc = df.getColumn(column).valueCounts(false, false, 'count')
        const values = vc.getColumn(column).toArray()
        const ns = vc.getColumn('count').toArray() as number[]
        values.forEach((v, i) => {
          const k = mapKey(v)
          const n = (counts.get(k) ?? 0) + sign * (ns[i] as number)
          if (n === 0) counts.delete(k)
          else counts.set(k, n)
        })
      }
      for await (const chunk of source) {
        const start = bounds.chunkStart(chunk)
        backlog.push(chunk)
        fold(chunk, 1)
        for (const gone of backlog.evictTo(start)) fold(gone, -1)
        const entries = [...counts.entries()].sort((a, b) => compareKeys(a[0], b[0]))
        yield pl.DataFrame([
          pl.Series(
            column,
            entries.map(([k]) => fromKey(k)),
            dtype,
          ),
          pl.Series(
            'count',
            entries.map(([, n]) => n),
            pl.Int64,
          ),
        ])
      }
    }
    return new StreamingFrame({ [Symbol.asyncIterator]: valueCountsStage }, example)
  }

  /**
   * Groupby-aggregations inside the window (Streamz `window(...).groupby('name').amount.sum()`): the
   * per-group state gets each chunk's rows as they enter and loses them as they leave; a group whose rows have
   * all left disappears from the result.
   * @param keys - the key column, or several
   * @returns a {@link WindowGroupBy}; pick columns with `col`, then an aggregation
   * @example
   * ```ts
   * sdf.window({ value: '2h', on: 'time' }).groupBy('name').col('amount').sum()
   * ```
   */
  groupBy(keys: string | readonly string[]): WindowGroupBy {
    return new WindowGroupBy(this.#frame, this.#bounds, keys, this.#columns)
  }

  /**
   * Run a custom {@link Aggregation} over the window: after each chunk, `onNew` with the chunk, then `onOld`
   * with each piece of older rows that left (oldest first); the result of the last call is emitted.
   * @param agg - the aggregation (with `onOld`)
   * @example
   * ```ts
   * sdf.window({ n: 100 }).aggregate(mean) // `mean` as in the Aggregation example
   * ```
   */
  aggregate<S>(agg: Aggregation<S>): StreamingFrame {
    const op = 'window.aggregate'
    checkAggregation(op, agg, true)
    const source = this.#frame.stream
    const empty = this.#frame.example.head(0)
    const example = resultExample(op, agg, empty)
    const makeBounds = this.#bounds
    async function* windowAggregateStage(): AsyncGenerator<pl.DataFrame, void, undefined> {
      const bounds = makeBounds()
      const backlog = new Backlog()
      let state = agg.initial(empty)
      for await (const chunk of source) {
        const start = bounds.chunkStart(chunk)
        backlog.push(chunk)
        let [s, r] = step(op, 'onNew', agg.onNew(state, chunk))
        for (const gone of backlog.evictTo(start))
          [s, r] = step(op, 'onOld', (agg.onOld as NonNullable<Aggregation<S>['onOld']>).call(agg, s, gone))
        state = s
        yield r
      }
    }
    return new StreamingFrame({ [Symbol.asyncIterator]: windowAggregateStage }, example)
  }

  #stat(stat: StatName, param: number): StreamingFrame {
    const columns = valueColumns(`window.${stat}`, this.#frame.example, this.#columns, [])
    const source = this.#frame.stream
    const makeBounds = this.#bounds
    const example = pl.DataFrame(columns.map((c) => pl.Series(c, [], pl.Float64)))
    async function* windowStage(): AsyncGenerator<pl.DataFrame, void, undefined> {
      const bounds = makeBounds()
      const stats = columns.map(() => new ColumnStat(stat, 0, param))
      for await (const chunk of source) {
        const start = bounds.chunkStart(chunk)
        const values = float64Columns(chunk, columns)
        yield pl.DataFrame(
          columns.map((c, i) => {
            const cs = stats[i] as ColumnStat
            const v = values[i] as Float64Array
            for (let j = 0; j < v.length; j++) cs.push(v[j] as number)
            cs.evictTo(start)
            const x = cs.value()
            return pl.Series(c, [Number.isNaN(x) ? null : x], pl.Float64)
          }),
        )
      }
    }
    return new StreamingFrame({ [Symbol.asyncIterator]: windowStage }, example)
  }
}
