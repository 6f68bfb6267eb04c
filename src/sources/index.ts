// Barrel of the local sources and sinks.
export { pushable, type Pushable, type PushableOptions } from './pushable.js'
export { fromIterable } from './from-iterable.js'
