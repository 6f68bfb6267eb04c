/**
 * streamz-ts/pool: parallel `map` on worker threads (built on piscina). `poolMap(task)` is a
 * stage with a pool of its own; `createPool()` makes a pool that several stages share;
 * `transferResult` moves a task's result back without a copy.
 * @packageDocumentation
 */
export { createPool, type Pool } from './create-pool.js'
export { poolMap } from './pool-map.js'
export type { PoolOptions, PoolMapStageOptions, PoolMapOptions } from './options.js'
export type { TaskRef } from './task.js'
export { transferResult } from './transfer.js'
