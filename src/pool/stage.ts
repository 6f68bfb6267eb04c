import type { Transferable } from 'node:worker_threads'
import type { Stage } from '../pipe/types.js'
import { closeAll } from '../internal/close-all.js'
import { Queue } from '../internal/queue.js'
import { Canceller, type PoolCore, deathError, isWorkerDeath } from './core.js'
import type { ResolvedTask } from './task.js'
import type { BatchReply } from './worker.js'

/** A stage's checked settings. @internal */
export interface StageSettings<A> {
  op: string
  task: ResolvedTask
  ordered: boolean
  /** undefined: the default, 2 × workers × the batch size */
  maxInFlight: number | undefined
  batch: number | 'auto'
  workers: number
  transfer: ((x: A) => Transferable[]) | undefined
  retry: 0 | 1
  signal: AbortSignal | undefined
}

/** The pool a run of the stage uses, and whether the run owns it (ends its threads when done). @internal */
export interface Acquired {
  core: PoolCore
  own: boolean
}

/** One element sent to the pool: state 0 running, 1 fulfilled, 2 rejected. */
interface Slot {
  x: unknown // kept only for a retry
  list: Transferable[] | undefined
  state: 0 | 1 | 2
  value: unknown
  retried: boolean
}

interface Waiter<B> {
  resolve: (r: IteratorResult<B>) => void
  reject: (e: unknown) => void
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined }
const END = 1

const isDetached = (t: Transferable): boolean => (t as { detached?: unknown }).detached === true

/** `batch: 'auto'` sizes a message to carry about this many ms of work... */
export const AUTO_TARGET_MS = 10
/** ...but never more elements than this. */
export const AUTO_MAX_BATCH = 64

/**
 * A stage that runs every element through a task on a pool (see `poolMap`), as a hand-written
 * iterator so that `return()` acts at once, even while a `next()` is pending.
 * @internal
 */
export function poolStage<A, B>(s: StageSettings<A>, acquire: () => Acquired): Stage<A, B> {
  return (source) => ({
    [Symbol.asyncIterator]: (): AsyncIterator<B> => new PoolMapStage<A, B>(source, s, acquire),
  })
}

class PoolMapStage<A, B> implements AsyncIterator<B> {
  private it: AsyncIterator<A> | undefined
  private core: PoolCore | undefined
  private own = false
  private readonly cancel = new Canceller()
  /** ordered: the elements in flight in input order; unordered: the settled ones in completion order */
  private readonly slots = new Queue<Slot>()
  private readonly waiters = new Queue<Waiter<B>>()
  /** unordered: tasks not yet settled */
  private running = 0
  /** messages sent and not yet answered */
  private sent = 0
  /** elements taken and not yet sent, with their inputs: the next message */
  private pending: Slot[] = []
  private pendingXs: unknown[] = []
  /** sends a partial batch at the end of this turn of the event loop */
  private flushTimer: NodeJS.Immediate | undefined
  /** elements per message now: fixed, or adapted with 'auto' */
  private size: number
  /** 'auto': the most elements per message */
  private readonly cap: number
  /** 'auto': the ms an element takes in a worker, averaged over the replies */
  private perItem: number | undefined
  /** elements taken from upstream (or being pulled) and not yet emitted */
  private taken = 0
  private pulling = false
  private srcDone = false
  private srcError: { e: unknown } | undefined
  /** a task failed: take nothing more */
  private stopPulling = false
  /** 0 not started, 1 running, 2 finished */
  private state: 0 | 1 | 2 = 0
  /** the teardown: source closed, tasks cancelled, an own pool's threads ended */
  private ending: Promise<void> | undefined
  /** set by an abort: every later next() rejects with it */
  private final: { e: unknown } | undefined
  private onAbort: (() => void) | undefined

  constructor(
    private readonly source: AsyncIterable<A>,
    private readonly s: StageSettings<A>,
    private readonly acquire: () => Acquired,
  ) {
    const { batch, maxInFlight, workers } = s
    this.size = batch === 'auto' ? 1 : batch
    this.cap =
      maxInFlight === undefined
        ? AUTO_MAX_BATCH
        : Math.max(1, Math.min(AUTO_MAX_BATCH, Math.floor(maxInFlight / (2 * workers))))
  }

  /** The most elements taken and not yet emitted, now. */
  private limit(): number {
    return this.s.maxInFlight ?? 2 * this.s.workers * this.size
  }

  next(): Promise<IteratorResult<B>> {
    if (this.state === 2) return this.after()
    if (this.state === 0 && !this.begin()) return this.after()
    return new Promise<IteratorResult<B>>((resolve, reject) => {
      this.waiters.push({ resolve, reject })
      this.pump()
    })
  }

  return(): Promise<IteratorResult<B>> {
    if (this.state === 1) this.finish(undefined)
    this.state = 2
    return (this.ending ?? Promise.resolve()).then(() => DONE)
  }

  /** Open the source and the pool at the first next(); false if that already ended the run. */
  private begin(): boolean {
    const { signal, op } = this.s
    this.state = 2
    if (signal?.aborted === true) {
      this.final = { e: signal.reason }
      return false
    }
    try {
      const { core, own } = this.acquire()
      if (core.closed) throw new Error(`${op}: the pool is closed`)
      this.core = core
      this.own = own
      this.it = this.source[Symbol.asyncIterator]()
    } catch (e) {
      this.final = { e }
      return false
    }
    if (signal !== undefined) {
      this.onAbort = (): void => {
        if (this.state !== 1) return
        this.final = { e: signal.reason }
        this.finish(undefined)
      }
      signal.addEventListener('abort', this.onAbort, { once: true })
    }
    this.state = 1
    return true
  }

  /** What next() gives once the run is over: the abort reason, or done. */
  private after(): Promise<IteratorResult<B>> {
    return (this.ending ?? Promise.resolve()).then(() => {
      if (this.final !== undefined) throw this.final.e
      return DONE
    })
  }

  /** Hand settled results to waiting next() calls, then take more from upstream if allowed. */
  private pump(): void {
    if (this.state !== 1) return
    while (this.waiters.length > 0) {
      const h = this.take()
      if (h === undefined) break
      if (h === END) return this.finish(this.srcError)
      if (h.state === 2) return this.finish({ e: h.value })
      this.waiters.shift().resolve({ done: false, value: h.value as B })
    }
    if (!this.srcDone && !this.pulling && !this.stopPulling && this.taken < this.limit()) this.pull()
    if (this.pending.length === 0 || this.state !== 1) return
    // A partial batch (a full one is sent at once): with a pull under way, it goes at the end of
    // this turn of the event loop unless the batch fills first (a source's ready elements come in
    // microtasks, a slow source's later). When nothing more can come, it goes now. When only
    // maxInFlight holds the source back, it goes now if a worker would be idle; else it waits
    // for more room, which the results of the messages in flight make: sending it would only
    // queue it in the pool, and it would leave as many small messages after it.
    if (this.pulling) this.flushTimer ??= setImmediate(this.flushLater)
    else if (this.srcDone || this.stopPulling || this.sent < this.s.workers) this.flush()
  }

  private readonly flushLater = (): void => {
    this.flushTimer = undefined
    if (this.state === 1 && this.pending.length > 0 && this.pulling) this.flush()
  }

  /** The next result to emit, END when everything is emitted, or undefined to wait. */
  private take(): Slot | typeof END | undefined {
    const { slots } = this
    if (slots.length > 0 && (!this.s.ordered || slots.peek().state !== 0)) {
      this.taken--
      return slots.shift()
    }
    if (slots.length > 0 || this.pulling || this.running > 0) return undefined
    return this.srcDone ? END : undefined
  }

  private pull(): void {
    this.pulling = true
    this.taken++
    try {
      ;(this.it as AsyncIterator<A>).next().then(this.pulled, this.pullFailed)
    } catch (e) {
      this.pullFailed(e)
    }
  }

  private readonly pulled = (r: IteratorResult<A>): void => {
    this.pulling = false
    if (this.state !== 1) return
    if (r.done === true) {
      this.taken--
      this.srcDone = true
    } else this.submit(r.value)
    this.pump()
  }

  private readonly pullFailed = (e: unknown): void => {
    this.pulling = false
    this.srcDone = true
    if (this.state !== 1) return
    this.taken--
    this.srcError = { e }
    this.pump()
  }

  /** Add an element to the next message; send the message once it is full. */
  private submit(x: A): void {
    const slot: Slot = {
      x: this.s.retry === 1 ? x : undefined,
      list: undefined,
      state: 0,
      value: undefined,
      retried: false,
    }
    if (this.s.ordered) this.slots.push(slot)
    else this.running++
    try {
      slot.list = this.s.transfer?.(x)
    } catch (e) {
      this.settle(slot, 2, e) // the stage stops pulling: pump() sends the elements before it
      return
    }
    this.pending.push(slot)
    this.pendingXs.push(x)
    if (this.pending.length >= this.size) this.flush()
  }

  /** Send the pending elements as one message. */
  private flush(): void {
    if (this.flushTimer !== undefined) {
      clearImmediate(this.flushTimer)
      this.flushTimer = undefined
    }
    const slots = this.pending
    const xs = this.pendingXs
    this.pending = []
    this.pendingXs = []
    this.send(slots, xs)
  }

  private send(slots: Slot[], xs: unknown[]): void {
    // one transfer list for the message, without repeats (two elements may share a buffer)
    let list: Transferable[] | undefined
    let own = false
    for (const slot of slots) {
      const l = slot.list
      if (l === undefined || l.length === 0) continue
      if (list === undefined) {
        list = l
        continue
      }
      if (!own) {
        list = [...list]
        own = true
      }
      for (const t of l) if (!list.includes(t)) list.push(t)
    }
    // an own pool cancels by ending its threads; a shared one needs the signal to cancel just ours
    const signal = this.own ? null : this.cancel
    this.sent++
    ;(this.core as PoolCore).runBatch(this.s.task, xs, list, signal).then(
      (r) => this.replied(slots, r),
      (e: unknown) => this.failed(slots, xs, e),
    )
  }

  private replied(slots: Slot[], r: BatchReply): void {
    this.sent--
    if (this.state !== 1) return
    const values = r[0]
    const n = values.length
    if (this.s.batch === 'auto') this.adapt(r.length === 3 ? n + 1 : n, r[1])
    for (let i = 0; i < n; i++) this.settle(slots[i] as Slot, 1, values[i])
    if (r.length === 3) this.settle(slots[n] as Slot, 2, r[2])
    this.pump()
  }

  /** 'auto': size the next messages to carry about AUTO_TARGET_MS of work, from a reply's `ms` for `n` elements. */
  private adapt(n: number, ms: number): void {
    if (n === 0) return
    const per = ms / n
    // a running average, each reply weighing half: one message slowed down by other work on the
    // machine does not send the size down to 1
    this.perItem = this.perItem === undefined ? per : (this.perItem + per) / 2
    const want = Math.floor(AUTO_TARGET_MS / Math.max(this.perItem, 1e-6))
    this.size = Math.max(1, Math.min(this.cap, want))
  }

  private failed(slots: Slot[], xs: unknown[], e: unknown): void {
    this.sent--
    if (this.state !== 1) return
    if (slots.length > 1 && e instanceof DOMException && e.name === 'DataCloneError') {
      // the message could not be copied, so nothing in it ran: send the elements one by one,
      // and only the one that cannot cross fails, after the results before it
      for (let i = 0; i < slots.length; i++) this.send([slots[i] as Slot], [xs[i]])
      return
    }
    if (isWorkerDeath(e)) {
      // every element of the message is lost with its worker: each fails, or with retry: 1 runs
      // once more in a message of its own, so that a second death names the element that caused it
      const { op, task, retry } = this.s
      for (const slot of slots) {
        const moved = slot.list?.some(isDetached) === true
        if (retry === 1 && !slot.retried && !moved) {
          slot.retried = true
          this.send([slot], [slot.x])
          continue
        }
        const err = deathError(op, task, e, slots.length)
        if (slot.retried) err.message += ', again after one retry'
        else if (retry === 1) err.message += '; not retried: its input was transferred to the worker that died'
        this.settle(slot, 2, err)
      }
    } else for (const slot of slots) this.settle(slot, 2, e)
    this.pump()
  }

  /** Record an element's outcome; the caller pumps. */
  private settle(slot: Slot, state: 1 | 2, value: unknown): void {
    if (slot.state !== 0) return
    slot.state = state
    slot.value = value
    slot.x = undefined
    if (state === 2) this.stopPulling = true
    if (!this.s.ordered) {
      this.running--
      this.slots.push(slot)
    }
  }

  /**
   * End the run: close the source if it has not ended, cancel the tasks in flight, end an own
   * pool's threads; then settle every waiting next(): the first with `failure` if any, the
   * others with the abort reason or done.
   */
  private finish(failure: { e: unknown } | undefined): void {
    this.state = 2
    if (this.onAbort !== undefined) this.s.signal?.removeEventListener('abort', this.onAbort)
    if (this.flushTimer !== undefined) clearImmediate(this.flushTimer)
    this.flushTimer = undefined
    this.pending = []
    this.pendingXs = []
    const waiters: Waiter<B>[] = []
    while (this.waiters.length > 0) waiters.push(this.waiters.shift())
    this.slots.clear()
    if (!this.srcDone) closeAll([this.it])
    const core = this.core as PoolCore
    if (this.own) {
      // destroy first, so that piscina does not replace the threads of cancelled tasks
      this.ending = core.close(false).catch(() => undefined)
    } else {
      this.cancel.abort(new Error(`${this.s.op}: the stage was stopped`))
      this.ending = Promise.resolve()
    }
    void this.ending.then(() => {
      for (const [i, w] of waiters.entries()) {
        if (i === 0 && failure !== undefined) w.reject(failure.e)
        else if (this.final !== undefined) w.reject(this.final.e)
        else w.resolve(DONE)
      }
    })
  }
}
