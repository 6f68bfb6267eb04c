import { availableParallelism } from 'node:os'
import type { ResourceLimits, Transferable, Worker } from 'node:worker_threads'
import { Piscina } from 'piscina'
import type { ResolvedTask } from './task.js'
import type { BatchReply, TaskMessage } from './worker.js'

/** Threads started and ended by every pool of this process (tests check that none is left). @internal */
export const threadStats = { started: 0, exited: 0 }

/** The worker module piscina runs: compiled `worker.js` next to this file, or `worker.ts` from `src/`. */
const workerFile = (): URL => new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url)

/** True for the errors piscina gives the task of a worker that died (process.exit, out of memory, crash). */
export function isWorkerDeath(e: unknown): e is Error {
  return (
    e instanceof Error &&
    ((e as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY' || e.message.startsWith('worker exited with code'))
  )
}

/** The error a task gets when its worker died (running a batch of `n` elements). @internal */
export function deathError(op: string, task: ResolvedTask, e: Error, n = 1): Error {
  const batch = n > 1 ? ` while running a batch of ${n} elements` : ''
  return new Error(`${op}: task ${task.label} failed: its worker thread died${batch} (${e.message})`, { cause: e })
}

/** Settings of a pool after checking. @internal */
export interface CoreOptions {
  workers: number
  idleTimeout: number
  resourceLimits: ResourceLimits | undefined
  execArgv: readonly string[] | undefined
}

/**
 * The piscina pool behind a {@link Pool} or a `poolMap` stage, started at the first task:
 * it keeps count of its live threads (by their `exit` events), ends them all after
 * `idleTimeout` ms without a task, and refuses tasks once closed.
 * @internal
 */
export class PoolCore {
  readonly workers: number
  private piscina: Piscina | undefined
  private readonly live = new Map<Worker, Promise<void>>()
  private inFlight = 0
  private idleTimer: NodeJS.Timeout | undefined
  /** resolves close()'s wait once no task is in flight */
  private idle: (() => void) | undefined
  private closing: Promise<void> | undefined
  closed = false

  constructor(
    private readonly op: string,
    private readonly options: CoreOptions,
  ) {
    this.workers = options.workers
  }

  private start(): Piscina {
    const { workers, resourceLimits, execArgv } = this.options
    const p = new Piscina({
      filename: workerFile().href,
      minThreads: workers, // a dead worker is replaced at once, so queued tasks never wait for a new run()
      maxThreads: workers,
      idleTimeout: Infinity,
      ...(resourceLimits === undefined ? {} : { resourceLimits }),
      ...(execArgv === undefined ? {} : { execArgv: [...execArgv] }),
    })
    // piscina emits 'error' for a worker that fails with no task on it (its tasks get the error
    // otherwise); the worker is replaced, and without a listener the error would crash the process.
    p.on('error', () => undefined)
    p.on('workerCreate', () => this.scan(p))
    this.piscina = p
    this.scan(p)
    return p
  }

  /** Start watching the `exit` of every thread piscina has now. */
  private scan(p: Piscina): void {
    for (const w of p.threads) {
      if (this.live.has(w) || w.threadId === -1) continue
      threadStats.started++
      this.live.set(
        w,
        new Promise<void>((resolve) =>
          w.once('exit', () => {
            threadStats.exited++
            this.live.delete(w)
            resolve()
          }),
        ),
      )
    }
  }

  /** Threads alive now (started and not yet exited). */
  get threads(): number {
    if (this.piscina !== undefined) this.scan(this.piscina)
    return this.live.size
  }

  /** Run one element through `task` on a worker. */
  run(
    task: ResolvedTask,
    x: unknown,
    transferList: Transferable[] | undefined,
    signal: AbortSignal | Canceller | null,
  ): Promise<unknown> {
    return this.post([task.url, task.name, x], transferList, signal)
  }

  /**
   * Run the elements `xs` through `task` one after another on one worker, in one message each
   * way. The reply holds the results, the time the calls took, and the error of an element
   * that threw (the elements after it do not run); the promise rejects only when the message
   * failed as a whole (the worker died, the stage was cancelled).
   */
  runBatch(
    task: ResolvedTask,
    xs: unknown[],
    transferList: Transferable[] | undefined,
    signal: AbortSignal | Canceller | null,
  ): Promise<BatchReply> {
    return this.post([task.url, task.name, xs, 1], transferList, signal) as Promise<BatchReply>
  }

  private post(
    msg: TaskMessage,
    transferList: Transferable[] | undefined,
    signal: AbortSignal | Canceller | null,
  ): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error(`${this.op}: the pool is closed`))
    const p = this.piscina ?? this.start()
    if (this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer)
      this.idleTimer = undefined
    }
    const r = p.run(msg, { transferList: transferList as never, signal })
    this.inFlight++
    r.then(this.taskDone, this.taskDone)
    return r
  }

  private readonly taskDone = (): void => {
    if (--this.inFlight !== 0) return
    const idle = this.idle
    this.idle = undefined
    idle?.()
    const p = this.piscina
    if (this.options.idleTimeout !== Infinity && p !== undefined && !this.closed)
      this.idleTimer = setTimeout(() => {
        this.idleTimer = undefined
        if (this.inFlight === 0 && this.piscina === p) void this.end()
      }, this.options.idleTimeout).unref()
  }

  /** End every thread now, failing the tasks in flight; resolves once every thread has exited. */
  async end(): Promise<void> {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer)
    this.idleTimer = undefined
    const p = this.piscina
    this.piscina = undefined
    if (p !== undefined) {
      // piscina replaces a worker whose exit comes after destroy() has finished: one it had let go
      // before (the thread of a cancelled task, terminated and not yet exited). Its replacements
      // join p.threads as that exit is handled, so destroy again until none is left.
      do {
        this.scan(p)
        await p.destroy()
        await Promise.all(this.live.values())
      } while (p.threads.length > 0)
    }
    await Promise.all(this.live.values())
  }

  /**
   * Refuse new tasks, wait for the queued and running ones (unless `drain` is false: then
   * they fail at once), then end every thread. piscina's own close() waits only for the
   * tasks already on a thread and fails the queued ones, so the wait for those is here.
   */
  close(drain = true): Promise<void> {
    this.closed = true
    if (!drain) return this.end()
    this.closing ??= (async () => {
      if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve))
      await this.end()
    })()
    return this.closing
  }
}

/**
 * A stage's cancel switch for the tasks it sends to a shared pool, in the emitter shape piscina
 * also accepts (`once`/`removeListener` instead of an AbortSignal's `addEventListener`). Each task adds and
 * removes a listener; a Set makes that O(1), where an AbortSignal's listener list is slower per
 * call and grows with the tasks in flight.
 * @internal
 */
export class Canceller {
  aborted = false
  reason: unknown = undefined
  private readonly listeners = new Set<() => void>()

  once(_: 'abort', listener: () => void): void {
    if (!this.aborted) this.listeners.add(listener)
  }

  off(_: 'abort', listener: () => void): void {
    this.listeners.delete(listener)
  }

  /** What piscina 5 calls to unsubscribe (its types name `off`). */
  removeListener(_: 'abort', listener: () => void): void {
    this.listeners.delete(listener)
  }

  abort(reason: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    const listeners = [...this.listeners]
    this.listeners.clear()
    for (const listener of listeners) listener()
  }
}

/** The default pool size: the number of CPUs Node may use. */
export const defaultWorkers = (): number => availableParallelism()
