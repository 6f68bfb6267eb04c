export { pipe } from './pipe.js'
export type { Stage, Sink, Source } from './types.js'
