import type pl from 'nodejs-polars'
import { StreamingFrame } from './frame.js'

/**
 * A custom aggregation (placeholder; the aggregation work replaces it).
 * @example
 * const agg: Aggregation<number> = { initial: () => 0, onNew: (s, df) => [s + df.height, s + df.height], onOld: (s) => [s, s] }
 */
export interface Aggregation<S> {
  initial(example: pl.DataFrame): S
  onNew(state: S, chunk: pl.DataFrame): [S, unknown]
  onOld(state: S, chunk: pl.DataFrame): [S, unknown]
}

/**
 * Run a custom aggregation over a frame (placeholder; the aggregation work replaces it).
 * @example
 * aggregateFrame(sdf, agg)
 */
export function aggregateFrame(frame: StreamingFrame, _agg: Aggregation<unknown>): StreamingFrame {
  return new StreamingFrame(frame.stream, frame.example)
}
