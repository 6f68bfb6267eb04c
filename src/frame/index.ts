/**
 * streamz-ts/frame: streaming DataFrames on nodejs-polars (an optional peer dependency).
 *
 * {@link toFrame} turns a stream of Polars DataFrame chunks (or arrays of records) into a
 * {@link StreamingFrame}; its operations return new streaming frames, emitted per chunk.
 * {@link frameToIPC} / {@link frameFromIPC} move a chunk across a worker-thread boundary.
 * @packageDocumentation
 */
export { StreamingFrame } from './frame.js'
export { toFrame } from './to-frame.js'
export type { ToFrameOptions, FrameRecord } from './to-frame.js'
export { FrameSchemaError } from './schema-error.js'
export { FrameGroupBy } from './groupby.js'
export { Batch, toBatch } from './batch.js'
export { periodicFrame, randomFrame } from './periodic.js'
export type { PeriodicFrameOptions, PeriodicTimes, RandomFrameOptions } from './periodic.js'
export type { ReductionOptions } from './reductions.js'
export { col, lit } from './polars.js'
export { Rolling } from './rolling.js'
export type { RollingOptions } from './rolling.js'
export { Window } from './window.js'
export type { WindowSpec } from './window.js'
export { WindowGroupBy } from './window-groupby.js'
export type { Aggregation } from './aggregate.js'
export { frameToIPC, frameFromIPC } from './ipc.js'
export type { FrameToIPCOptions } from './ipc.js'
