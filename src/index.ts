/**
 * streamz-ts: continuous data pipelines on async iterators.
 * @packageDocumentation
 */
export { pipe, type PipeEnd } from './pipe/pipe.js'
export type { Stage, Sink, Source } from './pipe/types.js'
export { realClock, FakeClock, type Clock } from './internal/clock.js'
export * from './operators/index.js'
export * from './operators/branching.js'
export * from './operators/time.js'
export * from './sources/index.js'
