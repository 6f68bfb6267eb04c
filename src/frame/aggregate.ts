import pl from 'nodejs-polars'
import { fail } from '../internal/check.js'
import { StreamingFrame } from './frame.js'
import { isDataFrame } from './internal/dtypes.js'

/**
 * A custom streaming aggregation (Streamz `Aggregation`), usable with every windowing scheme: the whole
 * stream ({@link StreamingFrame.aggregate}), a window of rows or of time (`sdf.window(spec).aggregate(agg)`)
 * and a rolling window (`sdf.rolling(n).aggregate(agg)`). The windowing scheme decides which rows arrive and
 * which leave; the aggregation only folds them in and out:
 *
 * - `initial(example)` makes the starting state from the frame's empty example;
 * - `onNew(state, rows)` folds rows that entered the window in, and returns `[state, result]`;
 * - `onOld(state, rows)` takes rows that left the window out, and returns `[state, result]`. The whole
 *   stream never calls it (nothing leaves), so it may be left out there; the windows require it.
 *
 * `result` is a DataFrame (usually one row): it is what the stream emits. A window emits, per chunk, the
 * result of the last call (`onNew` with the chunk, then `onOld` once per piece that left, oldest first, as
 * Streamz does); a rolling window calls `onNew` with each row of the chunk and emits one result row per row.
 * The state may be anything, and the functions may return a new state or update the one they get. To know
 * the result's columns, the aggregation is run once on the empty example when the stream is built, so
 * `onNew` must accept an empty DataFrame.
 * @example
 * ```ts
 * import pl from 'nodejs-polars'
 * import type { Aggregation } from 'streamz-ts/frame'
 * // a mean of column x: the state is [total, count]
 * const mean: Aggregation<[number, number]> = {
 *   initial: () => [0, 0],
 *   onNew: ([t, n], rows) => {
 *     const s: [number, number] = [t + (rows.getColumn('x').sum() as number), n + rows.height]
 *     return [s, pl.DataFrame({ x: [s[0] / s[1]] })]
 *   },
 *   onOld: ([t, n], rows) => {
 *     const s: [number, number] = [t - (rows.getColumn('x').sum() as number), n - rows.height]
 *     return [s, pl.DataFrame({ x: [s[0] / s[1]] })]
 *   },
 * }
 * sdf.window({ n: 100 }).aggregate(mean)
 * ```
 */
export interface Aggregation<S> {
  /** The starting state, from the frame's empty example. */
  initial(example: pl.DataFrame): S
  /** Fold rows that entered the window into the state: `[state, result]`. */
  onNew(state: S, rows: pl.DataFrame): readonly [S, pl.DataFrame]
  /** Take rows that left the window out of the state: `[state, result]`. */
  onOld?(state: S, rows: pl.DataFrame): readonly [S, pl.DataFrame]
}

/**
 * Check an aggregation object; `windowed` also requires `onOld`.
 * @internal
 */
export function checkAggregation(op: string, agg: unknown, windowed: boolean): void {
  if (agg === null || typeof agg !== 'object') fail(TypeError, op, 'agg', 'an aggregation object', agg)
  const a = agg as Record<string, unknown>
  for (const m of windowed ? ['initial', 'onNew', 'onOld'] : ['initial', 'onNew'])
    if (typeof a[m] !== 'function') fail(TypeError, op, `agg.${m}`, 'a function', a[m])
}

/**
 * Run `fn` and check that it gave `[state, DataFrame]`.
 * @internal
 */
export function step<S>(op: string, name: string, r: readonly [S, pl.DataFrame]): readonly [S, pl.DataFrame] {
  if (!Array.isArray(r) || r.length !== 2 || !isDataFrame(r[1]))
    fail(TypeError, op, `agg.${name}'s return`, '[state, DataFrame]', r)
  return r
}

/**
 * The empty frame with the result's columns: one run of the aggregation on the empty example.
 * @internal
 */
export function resultExample<S>(op: string, agg: Aggregation<S>, example: pl.DataFrame): pl.DataFrame {
  const empty = example.head(0)
  const [, r] = step(op, 'onNew', agg.onNew(agg.initial(empty), empty))
  return r.head(0)
}

/**
 * Run a custom {@link Aggregation} over the whole stream (Streamz `sdf.aggregate(agg)`): `initial` once,
 * then `onNew` with each chunk; emits each result. `onOld` is never called. This is what
 * {@link StreamingFrame.aggregate} does.
 * @param frame - the streaming frame
 * @param agg - the aggregation
 * @returns a streaming frame of the results, one per chunk
 * @example
 * ```ts
 * const count: Aggregation<number> = {
 *   initial: () => 0,
 *   onNew: (n, rows) => [n + rows.height, pl.DataFrame({ rows: [n + rows.height] })],
 * }
 * for await (const df of aggregateFrame(sdf, count).stream) console.log(df.toRecords())
 * ```
 */
export function aggregateFrame<S>(frame: StreamingFrame, agg: Aggregation<S>): StreamingFrame {
  const op = 'aggregate'
  checkAggregation(op, agg, false)
  const example = resultExample(op, agg, frame.example)
  const source = frame.stream
  async function* aggregateStage(): AsyncGenerator<pl.DataFrame, void, undefined> {
    let state = agg.initial(frame.example.head(0))
    for await (const chunk of source) {
      const [s, r] = step(op, 'onNew', agg.onNew(state, chunk))
      state = s
      yield r
    }
  }
  return new StreamingFrame({ [Symbol.asyncIterator]: aggregateStage }, example)
}

/** Stack per-row results (rolling with a custom aggregation). @internal */
export function stack(results: pl.DataFrame[], example: pl.DataFrame): pl.DataFrame {
  if (results.length === 0) return example
  if (results.length === 1) return results[0] as pl.DataFrame
  return pl.concat(results, { how: 'vertical', rechunk: true })
}
