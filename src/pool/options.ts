import type { ResourceLimits, Transferable } from 'node:worker_threads'
import { checkInteger, checkObject, checkSignal, fail } from '../internal/check.js'
import { toMs } from '../internal/duration.js'
import { type CoreOptions, defaultWorkers } from './core.js'
import type { StageSettings } from './stage.js'
import type { ResolvedTask } from './task.js'
import { toTransferList, transferablesOf } from './transfer.js'

/** Options for {@link createPool} (and the pool part of `poolMap`'s options). */
export interface PoolOptions {
  /** How many worker threads (a positive integer; default `os.availableParallelism()`). */
  workers?: number
  /**
   * End every thread after this long without a task (ms or a duration string such as `'30s'`);
   * the next task starts them again. Default: threads live until the pool is closed (idle
   * threads do not keep the process alive).
   */
  idleTimeout?: number | string
  /** Memory limits for each worker thread; a worker that exceeds them dies and is replaced. */
  resourceLimits?: ResourceLimits
  /**
   * Node options for the worker threads (default: the parent's `process.execArgv`, as for any
   * Worker). Under tsx every thread loads tsx too, which costs some 300 ms at start; `[]` skips
   * that when the task modules are JavaScript or TypeScript that Node's type stripping can run.
   */
  execArgv?: readonly string[]
}

/** Options for one pool stage: {@link Pool.map}, and `poolMap` with {@link PoolOptions}. */
export interface PoolMapStageOptions<A> {
  /** `true` (default): results in input order; `false`: results as they finish. */
  ordered?: boolean
  /**
   * The most elements taken from upstream and not yet emitted (a positive integer): a slow
   * consumer holds the source back. Default: twice the number of workers times the batch size
   * (`2 × workers` with `batch: 1`; with `'auto'` it follows the batch size as it adapts, up to
   * `2 × workers × 64`). Given, it is a hard limit, and an `'auto'` batch stays at most
   * `maxInFlight / (2 × workers)` elements so that every worker still has work queued.
   */
  maxInFlight?: number
  /**
   * How many elements go to a worker in one message: a positive integer, or `'auto'` (the
   * default). Each message costs some tens of microseconds (copying, waking threads, the
   * pool's bookkeeping) whatever it carries; sending several elements in one spreads that cost.
   * The elements of a message run one after another on one worker, and each result is still
   * emitted on its own. `'auto'` starts at 1 element per message and, from the time the
   * workers report for each message, sizes messages to carry about 10 ms of work (at most 64
   * elements), following a running average: a cheap task gets large batches, a task of
   * several ms one element per message. A batch never waits for elements: when the source has
   * nothing more ready at once, what has been taken is sent. An element that throws fails as
   * it would alone (the results before it are emitted, the elements after it in its message
   * do not run); a worker that dies fails every element of its message.
   * @example
   * ```ts
   * // a cheap task: let the stage batch (the default)
   * poolMap<string, Row>(new URL('./tasks/parse.ts', import.meta.url), { workers: 4 })
   * // exactly one element per message, as without batching
   * poolMap<Chunk, Stats>(new URL('./tasks/stats.ts', import.meta.url), { batch: 1 })
   * ```
   */
  batch?: number | 'auto'
  /**
   * Move the element's memory to the worker instead of copying it: `true` moves an ArrayBuffer,
   * a typed array's buffer, or those in an array; a function returns the list to move. A moved
   * buffer is detached in the parent (its byteLength becomes 0).
   */
  transfer?: boolean | ((x: A) => readonly (Transferable | ArrayBufferLike)[])
  /**
   * `1`: run a task again, once, when its worker died (process.exit, out of memory); default 0.
   * Every element of the message that died runs again, each in a message of its own.
   */
  retry?: 0 | 1
  /** Abort: the pending next() rejects with `signal.reason`, queued tasks are cancelled. */
  signal?: AbortSignal
}

/** Options for `poolMap`: the pool's ({@link PoolOptions}) and the stage's ({@link PoolMapStageOptions}). */
export interface PoolMapOptions<A> extends PoolOptions, PoolMapStageOptions<A> {}

/** Check pool options. @internal */
export function coreOptions(op: string, o: PoolOptions): CoreOptions {
  checkObject(op, 'options', o)
  const { workers = defaultWorkers(), idleTimeout, resourceLimits, execArgv } = o
  checkInteger(op, 'workers', workers, 1)
  if (execArgv !== undefined && (!Array.isArray(execArgv) || execArgv.some((a) => typeof a !== 'string')))
    fail(TypeError, op, 'execArgv', 'an array of strings', execArgv)
  if (resourceLimits !== undefined && (resourceLimits === null || typeof resourceLimits !== 'object'))
    fail(TypeError, op, 'resourceLimits', 'an object', resourceLimits)
  return {
    workers,
    idleTimeout: idleTimeout === undefined ? Infinity : toMs(op, 'idleTimeout', idleTimeout),
    resourceLimits,
    execArgv,
  }
}

/** Check stage options. @internal */
export function stageSettings<A>(
  op: string,
  task: ResolvedTask,
  o: PoolMapStageOptions<A>,
  workers: number,
): StageSettings<A> {
  checkObject(op, 'options', o)
  const { ordered = true, maxInFlight, batch = 'auto', transfer = false, retry = 0, signal } = o
  if (typeof ordered !== 'boolean') fail(TypeError, op, 'ordered', 'a boolean', ordered)
  if (maxInFlight !== undefined) checkInteger(op, 'maxInFlight', maxInFlight, 1)
  if (batch !== 'auto') {
    if (typeof batch !== 'number') fail(TypeError, op, 'batch', "a positive integer or 'auto'", batch)
    checkInteger(op, 'batch', batch, 1)
  }
  if (typeof transfer !== 'boolean' && typeof transfer !== 'function')
    fail(TypeError, op, 'transfer', 'a boolean or a function', transfer)
  if (retry !== 0 && retry !== 1) fail(RangeError, op, 'retry', '0 or 1', retry)
  checkSignal(op, signal)
  return {
    op,
    task,
    ordered,
    maxInFlight,
    batch,
    workers,
    transfer:
      transfer === true ? transferablesOf : transfer === false ? undefined : (x: A) => toTransferList(transfer(x)),
    retry,
    signal,
  }
}
