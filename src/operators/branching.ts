// Barrel of the branching and joining combinators: tee, merge, zip, combineLatest, zipLatest.
export { tee, type TeeOptions } from './tee.js'
export { merge, type SourceTuple } from './merge.js'
export { zip } from './zip.js'
export { combineLatest, type CombineLatestOptions } from './combine-latest.js'
export { zipLatest } from './zip-latest.js'
