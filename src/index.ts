/**
 * streamz-ts: continuous data pipelines on async iterators.
 * @packageDocumentation
 */
export { pipe, type PipeEnd } from './pipe/pipe.js'
export type { Stage, Sink, Source } from './pipe/types.js'
export { realClock, FakeClock, type Clock } from './internal/clock.js'
export { ACK, type Ack, withAck, ackOf, holdAck, ackAll, carryAcks, carriesAcks } from './internal/ack.js'
export * from './operators/index.js'
export * from './operators/branching.js'
export * from './operators/time.js'
export * from './sources/index.js'
