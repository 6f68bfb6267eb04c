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
   * The most elements taken from upstream and not yet emitted (a positive integer; default
   * twice the number of workers): a slow consumer holds the source back.
   */
  maxInFlight?: number
  /**
   * Move the element's memory to the worker instead of copying it: `true` moves an ArrayBuffer,
   * a typed array's buffer, or those in an array; a function returns the list to move. A moved
   * buffer is detached in the parent (its byteLength becomes 0).
   */
  transfer?: boolean | ((x: A) => readonly (Transferable | ArrayBufferLike)[])
  /** `1`: run a task again, once, when its worker died (process.exit, out of memory); default 0. */
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
  const { ordered = true, maxInFlight = 2 * workers, transfer = false, retry = 0, signal } = o
  if (typeof ordered !== 'boolean') fail(TypeError, op, 'ordered', 'a boolean', ordered)
  checkInteger(op, 'maxInFlight', maxInFlight, 1)
  if (typeof transfer !== 'boolean' && typeof transfer !== 'function')
    fail(TypeError, op, 'transfer', 'a boolean or a function', transfer)
  if (retry !== 0 && retry !== 1) fail(RangeError, op, 'retry', '0 or 1', retry)
  checkSignal(op, signal)
  return {
    op,
    task,
    ordered,
    maxInFlight,
    transfer:
      transfer === true ? transferablesOf : transfer === false ? undefined : (x: A) => toTransferList(transfer(x)),
    retry,
    signal,
  }
}
