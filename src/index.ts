/**
 * streamz-ts: continuous data pipelines on async iterators.
 * @packageDocumentation
 */
export { pipe } from './pipe/pipe.js'
export type { Stage, Sink, Source } from './pipe/types.js'
export { parseDuration } from './operators/parse-duration.js'
export { realClock, FakeClock, type Clock } from './internal/clock.js'

export { map, type MapOptions } from './operators/map.js'
export { filter } from './operators/filter.js'
export { accumulate, type AccumulateOptions } from './operators/accumulate.js'
export { sink } from './operators/sink.js'
export { toArray } from './operators/to-array.js'

export { pushable, type Pushable, type PushableOptions } from './sources/pushable.js'
export { fromIterable } from './sources/from-iterable.js'
