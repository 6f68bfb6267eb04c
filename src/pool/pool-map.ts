import type { Stage } from '../pipe/types.js'
import { PoolCore } from './core.js'
import { type PoolMapOptions, coreOptions, stageSettings } from './options.js'
import { poolStage } from './stage.js'
import { type TaskRef, resolveTask, taskName } from './task.js'
import { describeStage } from '../internal/describe.js'

/**
 * Run every element through `task` in worker threads, on a pool of its own (the role of
 * Streamz's `scatter().map(f).buffer(n).gather()` on a Dask client). The pool's threads start
 * at the first `next()` and end with the stage: at the source's end, on an error, on `break` /
 * `return()` (even while a `next()` is pending) and on abort, so the process can exit.
 * Results come in input order (or as they finish with `ordered: false`); at most
 * `maxInFlight` elements are taken from upstream and not yet emitted. Cheap elements travel
 * several to a message (`batch`, by default sized from the workers' timings), each result still
 * emitted on its own. A task's exception reaches the consumer with the worker's stack after the
 * results before it; the stage then stops pulling and cancels the other tasks. A worker that
 * dies is replaced and the elements it was running fail with an error naming the task (or run
 * once more with `retry: 1`).
 * @param task - the task module (path or file URL, `.ts`, `.js` or `.mjs`) and export, see {@link TaskRef}
 * @param options - pool options `{ workers, idleTimeout, resourceLimits, execArgv }` and stage
 *   options `{ ordered, maxInFlight, batch, transfer, retry, signal }`
 * @example
 * ```ts
 * import { pipe, toArray } from 'streamz-ts'
 * import { poolMap } from 'streamz-ts/pool'
 *
 * // tasks/inc.ts: export default function inc(x: number): number { return x + 1 }
 * const inc = new URL('./tasks/inc.ts', import.meta.url)
 * const out = await pipe([1, 2, 3], poolMap<number, number>(inc, { workers: 2 }), toArray()) // [2, 3, 4]
 *
 * // a fixed 100 lines per message instead of the adaptive default
 * const parse = poolMap<string, Row>(new URL('./tasks/parse.ts', import.meta.url), { batch: 100 })
 *
 * // move Float64Array chunks to the workers without copying them
 * const sums = poolMap<Float64Array, number>(new URL('./tasks/sum.ts', import.meta.url), { transfer: true })
 * ```
 */
export function poolMap<A, B>(task: TaskRef, options: PoolMapOptions<A> = {}): Stage<A, B> {
  const op = 'poolMap'
  const resolved = resolveTask(op, task)
  const core = coreOptions(op, options)
  const s = stageSettings(op, resolved, options, core.workers)
  return describeStage(
    `poolMap(${taskName(resolved)})`,
    poolStage<A, B>(s, () => ({ core: new PoolCore(op, core), own: true })),
    { concurrent: true },
  )
}
