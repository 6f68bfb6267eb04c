import type { Transferable } from 'node:worker_threads'
import type { Stage } from '../pipe/types.js'
import { PoolCore, deathError, isWorkerDeath } from './core.js'
import { type PoolMapStageOptions, type PoolOptions, coreOptions, stageSettings } from './options.js'
import { poolStage } from './stage.js'
import { type TaskRef, resolveTask, taskName } from './task.js'
import { describeStage } from '../internal/describe.js'

/**
 * A pool of worker threads that several stages (and single `run` calls) share. Threads start
 * at the first task; `close()` (or `await using`) waits for the tasks, then ends every thread.
 * @example
 * ```ts
 * await using pool = createPool({ workers: 2 })
 * const hash = new URL('./tasks/hash.ts', import.meta.url)
 * const digests = await pipe(chunks, pool.map<Uint8Array, string>(hash), toArray())
 * const one = await pool.run<Uint8Array, string>(hash, new Uint8Array([1, 2, 3]))
 * ```
 */
export interface Pool extends AsyncDisposable {
  /**
   * A stage that runs every element through `task` on this pool (see `poolMap`); many stages
   * may use the pool at once. The stage never ends the pool's threads: `close()` does.
   * @param task - the task module and export
   * @param options - `{ ordered, maxInFlight, batch, transfer, retry, signal }`
   */
  map<A, B>(task: TaskRef, options?: PoolMapStageOptions<A>): Stage<A, B>
  /**
   * Run `task` once on `x`. Rejects with the task's error (with the worker's stack), a clear
   * error if the worker died, or `signal.reason` on abort.
   * @param task - the task module and export
   * @param x - the argument (copied, or moved with `transfer`)
   * @param options - `{ transfer, signal }` as for `map`
   */
  run<A, B>(task: TaskRef, x: A, options?: Pick<PoolMapStageOptions<A>, 'transfer' | 'signal'>): Promise<B>
  /** The configured number of worker threads. */
  readonly workers: number
  /** The worker threads alive now: 0 before the first task and after `close()`. */
  readonly threads: number
  /** Refuse new tasks, wait for the queued and running ones, then end every thread. */
  close(): Promise<void>
  /** The same as `close()`, for `await using pool = createPool()`. */
  [Symbol.asyncDispose](): Promise<void>
}

/**
 * Create a pool of worker threads (on piscina) to share between stages: `pool.map(task)` is a
 * stage, `pool.run(task, x)` a single call. No thread starts before the first task; close it
 * with `await pool.close()` or `await using`, which waits for queued and running tasks. Streamz
 * has no pool object: its Dask client plays this role.
 * @param options - `{ workers, idleTimeout, resourceLimits }`
 * @example
 * ```ts
 * import { pipe, toArray } from 'streamz-ts'
 * import { createPool } from 'streamz-ts/pool'
 *
 * await using pool = createPool({ workers: 2 })
 * const inc = new URL('./tasks/inc.ts', import.meta.url)
 * const square = { module: new URL('./tasks/math.mjs', import.meta.url), name: 'square' }
 * const out = await pipe([1, 2, 3], pool.map(inc), pool.map(square), toArray()) // [4, 9, 16]
 * ```
 */
export function createPool(options: PoolOptions = {}): Pool {
  const op = 'createPool'
  const core = new PoolCore('pool', coreOptions(op, options))
  return {
    map<A, B>(task: TaskRef, opts: PoolMapStageOptions<A> = {}): Stage<A, B> {
      const t = resolveTask('pool.map', task)
      const s = stageSettings('pool.map', t, opts, core.workers)
      return describeStage(
        `pool.map(${taskName(t)})`,
        poolStage<A, B>(s, () => ({ core, own: false })),
        {
          concurrent: true,
        },
      )
    },
    run<A, B>(task: TaskRef, x: A, opts: Pick<PoolMapStageOptions<A>, 'transfer' | 'signal'> = {}): Promise<B> {
      // arguments are checked now (a throw), the task's outcome is the promise
      const s = stageSettings('pool.run', resolveTask('pool.run', task), opts, core.workers)
      const { signal } = s
      if (signal?.aborted === true) return Promise.reject(signal.reason as Error)
      let list: Transferable[] | undefined
      try {
        list = s.transfer?.(x)
      } catch (e) {
        return Promise.reject(e)
      }
      return core.run(s.task, x, list, signal ?? null).then(
        (v) => v as B,
        (e: unknown) => {
          if (signal?.aborted === true) throw signal.reason
          throw isWorkerDeath(e) ? deathError('pool.run', s.task, e) : e
        },
      )
    },
    get workers() {
      return core.workers
    },
    get threads() {
      return core.threads
    },
    close: () => core.close(),
    [Symbol.asyncDispose]: () => core.close(),
  }
}
