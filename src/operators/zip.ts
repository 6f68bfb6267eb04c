import type { Source } from '../pipe/types.js'
import {
  DONE,
  DRIVE,
  Flow,
  isPromiseLike,
  isSyncOnly,
  type Drivable,
  type NamedOp,
  type Step,
  DONE_RESULT,
} from '../pipe/flow.js'
import { checkIterable } from '../internal/check.js'
import { closeAll } from '../internal/close-all.js'
import { Queue } from '../internal/queue.js'
import type { SourceTuple } from './merge.js'
import { describe } from '../internal/describe.js'

/**
 * An iterator that can say synchronously what its next result is when it has it at hand
 * (a tee branch with a buffered element, a zip whose sources all answer at once). It
 * returns `undefined` when the caller must call `next()` and wait instead, and throws
 * the error `next()` would reject with. Lets zip avoid a promise per element.
 * @internal
 */
export const TRY_NEXT: unique symbol = Symbol('streamz-ts.tryNext')
/** @internal */
export interface SyncProbe<T> {
  [TRY_NEXT](): IteratorResult<T> | undefined
}

/** @internal */
export function hasProbe<T>(it: object): it is SyncProbe<T> {
  return TRY_NEXT in it
}

/**
 * `next()` for an iterator with a sync probe: the probe's answer when it has one (its throw
 * as a rejection), otherwise a promise settled later by whoever `wait` hands its callbacks to.
 * @internal
 */
export function probeNext<T>(
  it: SyncProbe<T>,
  wait: (resolve: (r: IteratorResult<T>) => void, reject: (e: unknown) => void) => void,
): Promise<IteratorResult<T>> {
  let r: IteratorResult<T> | undefined
  try {
    r = it[TRY_NEXT]()
  } catch (e) {
    return Promise.reject(e)
  }
  return r !== undefined ? Promise.resolve(r) : new Promise<IteratorResult<T>>(wait)
}

/**
 * Reads a fused `Flow` (a root plus built-in steps) as an iterator, like iterating the
 * Flow would, but answering synchronously whenever its root can (a sync iterable, a tee
 * branch) and its steps answer synchronously. Only zip uses it; it must not be asked
 * for two results at once.
 * @internal
 */
class FlowPuller<T> implements AsyncIterator<T>, SyncProbe<T> {
  private it: Iterator<unknown> | AsyncIterator<unknown> | undefined
  private readonly rootSync: boolean
  private head: Step<unknown> | undefined
  private readonly out = new Queue<T>()
  /** A push or end promise of the steps, while pending. */
  private busy: Promise<void> | undefined
  /** No more elements go in: the root ended or failed, a step said DONE or failed, or return() was called. */
  private stopped = false
  private rootDone = false
  private failure: { error: Error } | undefined

  constructor(private readonly flow: Flow<T>) {
    this.rootSync = isSyncOnly(flow.root)
  }

  private open(): void {
    const root = this.flow.root
    const out = this.out
    let step: Step<unknown> = {
      push(x) {
        out.push(x as T)
      },
      end() {},
    }
    const ops = this.flow.ops
    for (let i = ops.length - 1; i >= 0; i--) step = (ops[i] as NamedOp).op(step)
    this.head = step
    this.it = this.rootSync
      ? (root as Iterable<unknown>)[Symbol.iterator]()
      : (root as AsyncIterable<unknown>)[Symbol.asyncIterator]()
  }

  [TRY_NEXT](): IteratorResult<T> | undefined {
    for (;;) {
      if (this.out.length > 0) return { value: this.out.shift(), done: false }
      const f = this.failure
      if (f !== undefined) {
        this.failure = undefined
        throw f.error
      }
      if (this.busy !== undefined) return undefined
      if (this.stopped) return DONE_RESULT
      if (this.head === undefined) this.open()
      const it = this.it as Iterator<unknown> | AsyncIterator<unknown>
      let r: IteratorResult<unknown> | undefined
      try {
        if (this.rootSync) r = (it as Iterator<unknown>).next()
        else if (hasProbe<unknown>(it)) r = it[TRY_NEXT]()
        else return undefined
      } catch (e) {
        this.stopped = this.rootDone = true
        throw e
      }
      if (r === undefined) return undefined
      this.accept(r)
    }
  }

  /** Feed one root result into the steps (throws what they throw, after closing the root). */
  private accept(r: IteratorResult<unknown>): void {
    const head = this.head as Step<unknown>
    try {
      let p
      if (r.done === true) {
        this.stopped = this.rootDone = true
        p = head.end()
      } else p = head.push(r.value)
      if (p === undefined) return
      if (p === DONE) return this.stop()
      if (isPromiseLike(p)) this.wait(p)
    } catch (e) {
      this.stop()
      throw e
    }
  }

  private wait(p: PromiseLike<unknown>): void {
    this.busy = Promise.resolve(p).then(
      (v) => {
        this.busy = undefined
        if (v === DONE) this.stop()
      },
      (e: unknown) => {
        this.busy = undefined
        this.stop()
        this.failure = { error: e as Error }
      },
    )
  }

  private stop(): void {
    if (!this.rootDone) {
      this.rootDone = true
      if (this.it !== undefined) closeAll([this.it])
    }
    this.stopped = true
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      const r = this[TRY_NEXT]()
      if (r !== undefined) return r
      if (this.busy !== undefined) {
        await this.busy
        continue
      }
      let rr: IteratorResult<unknown>
      try {
        rr = await (this.it as AsyncIterator<unknown>).next()
      } catch (e) {
        this.stopped = this.rootDone = true
        throw e
      }
      if (this.stopped) return DONE_RESULT // return() was called meanwhile
      this.accept(rr)
    }
  }

  return(): Promise<IteratorResult<T>> {
    this.out.clear()
    this.failure = undefined
    this.stop()
    return Promise.resolve(DONE_RESULT)
  }
}

/**
 * Open a source for reading: a sync iterator, an iterator with a sync probe (a fused Flow
 * is read through a FlowPuller), or a plain async iterator.
 * @internal
 */
export function openSource(s: Source<unknown>): Iterator<unknown> | AsyncIterator<unknown> {
  if (s instanceof Flow) return new FlowPuller<unknown>(s as Flow<unknown>)
  return isSyncOnly(s) ? s[Symbol.iterator]() : s[Symbol.asyncIterator]()
}

interface Request<T> {
  resolve: (r: IteratorResult<T>) => void
  reject: (e: unknown) => void
}

const IDLE = 0
const RUNNING = 1
const FINISHED = 2
/** How source i is read: synchronously, through its probe first, or only by `next()`. */
const SYNC = 0
const PROBE = 1
const ASYNC = 2

/**
 * One round per tuple: every source is asked at once (synchronously where it can answer
 * synchronously), and the tuple is complete when every answer is in. The first source to
 * end or fail finishes the zip at once and closes the others.
 */
class ZipIterator<T extends unknown[]> implements AsyncIterator<T>, SyncProbe<T> {
  private its: (AsyncIterator<unknown> | Iterator<unknown>)[] | undefined
  private readonly kinds: number[] = []
  private state = IDLE
  private pending = 0
  private vals: unknown[] = []
  private current: Request<T> | undefined
  /** `next()` calls made while a round was running. */
  private readonly queued = new Queue<Request<T>>(1)
  private failure: { error: Error } | undefined
  private readonly oks: ((r: IteratorResult<unknown>) => void)[] = []
  private readonly bads: ((e: unknown) => void)[] = []

  constructor(private readonly sources: readonly Source<unknown>[]) {}

  [TRY_NEXT](): IteratorResult<T> | undefined {
    if (this.current !== undefined) return undefined
    if (this.state === IDLE) {
      if (this.its === undefined) this.open()
      if (this.state === IDLE) {
        const r = this.round()
        if (r !== undefined) return r
      }
    }
    if (this.state !== FINISHED) return undefined
    const f = this.failure
    if (f === undefined) return DONE_RESULT
    this.failure = undefined
    throw f.error
  }

  next(): Promise<IteratorResult<T>> {
    return probeNext(this, (resolve, reject) => {
      if (this.current === undefined) this.current = { resolve, reject }
      else this.queued.push({ resolve, reject })
    })
  }

  return(): Promise<IteratorResult<T>> {
    if (this.state !== FINISHED) this.finish(-1)
    this.failure = undefined
    this.settle(DONE_RESULT)
    return Promise.resolve(DONE_RESULT)
  }

  private open(): void {
    const n = this.sources.length
    const its: (AsyncIterator<unknown> | Iterator<unknown>)[] = []
    this.its = its
    for (let i = 0; i < n; i++) {
      const s = this.sources[i] as Source<unknown>
      this.oks.push((r) => this.onResult(i, r))
      this.bads.push((e) => this.onError(i, e))
      try {
        const it = openSource(s)
        its.push(it)
        this.kinds.push(isSyncOnly(s) ? SYNC : hasProbe(it) ? PROBE : ASYNC)
      } catch (e) {
        this.finish(-1)
        this.failure = { error: e as Error }
        return
      }
    }
    if (n === 0) this.state = FINISHED
  }

  /**
   * Start a round. Returns the result when every source answered synchronously (or one
   * ended); otherwise `undefined`, and the round completes in the callbacks.
   */
  private round(): IteratorResult<T> | undefined {
    const its = this.its as (AsyncIterator<unknown> | Iterator<unknown>)[]
    const n = its.length
    this.state = RUNNING
    this.vals = new Array<unknown>(n)
    this.pending = n
    for (let i = 0; i < n && this.state === RUNNING; i++) {
      const it = its[i] as AsyncIterator<unknown> | Iterator<unknown>
      const kind = this.kinds[i]
      let r: IteratorResult<unknown> | undefined
      try {
        if (kind === SYNC) r = (it as Iterator<unknown>).next()
        else {
          if (kind === PROBE) r = (it as unknown as SyncProbe<unknown>)[TRY_NEXT]()
          if (r === undefined)
            (it as AsyncIterator<unknown>).next().then(this.oks[i], this.bads[i] as (e: unknown) => void)
        }
      } catch (e) {
        this.onError(i, e)
        break
      }
      if (r !== undefined) this.onResult(i, r)
    }
    if (this.state === IDLE) return { value: this.vals as T, done: false }
    if (this.state === FINISHED && this.current === undefined && this.failure === undefined) return DONE_RESULT
    return undefined
  }

  private onResult(i: number, r: IteratorResult<unknown>): void {
    if (this.state !== RUNNING) return
    if (r.done === true) {
      this.finish(i)
      this.settle(DONE_RESULT)
      return
    }
    this.vals[i] = r.value
    if (--this.pending > 0) return
    this.state = IDLE
    if (this.current !== undefined) this.settle({ value: this.vals as T, done: false })
    // else: completed synchronously inside round(), which returns the tuple
  }

  private onError(i: number, e: unknown): void {
    if (this.state !== RUNNING) return
    this.finish(i)
    const req = this.current
    if (req === undefined) this.failure = { error: e as Error }
    else {
      this.current = this.queued.length > 0 ? this.queued.shift() : undefined
      req.reject(e)
      this.settle(DONE_RESULT)
    }
  }

  /** Resolve the waiting `next()` calls with `r`, starting rounds for queued ones while results come synchronously. */
  private settle(r: IteratorResult<T>): void {
    while (this.current !== undefined) {
      const req = this.current
      this.current = this.queued.length > 0 ? this.queued.shift() : undefined
      req.resolve(r)
      if (this.current === undefined || r.done === true) continue
      if (this.state !== IDLE) return
      const current = this.current
      this.current = undefined // round() answers synchronously only when nobody waits
      const next = this.round()
      this.current = current
      if (next === undefined) {
        const f = this.failure
        if (f === undefined) return
        this.failure = undefined
        this.current = this.queued.length > 0 ? this.queued.shift() : undefined
        current.reject(f.error)
        r = DONE_RESULT
        continue
      }
      r = next
    }
  }

  /** Stop for good and close every source except `except` (the one that ended or failed). */
  private finish(except: number): void {
    this.state = FINISHED
    const its = this.its
    if (its !== undefined) closeAll(its.filter((_, j) => j !== except))
  }
}

class Zip<T extends unknown[]> implements Drivable<T> {
  constructor(private readonly sources: readonly Source<unknown>[]) {}

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return new ZipIterator<T>(this.sources)
  }

  /** A built-in sink drives zip: tuples that are complete synchronously are pushed without a promise. */
  async [DRIVE](step: Step<T>): Promise<void> {
    const it = new ZipIterator<T>(this.sources)
    try {
      for (;;) {
        let r = it[TRY_NEXT]()
        r ??= await it.next()
        if (r.done === true) break
        let p = step.push(r.value)
        if (p === undefined) continue
        if (p !== DONE) p = await p
        if (p === DONE) {
          await it.return()
          return
        }
      }
    } catch (e) {
      await it.return()
      throw e
    }
    const p = step.end()
    if (p !== undefined && p !== DONE) await p
  }
}

/**
 * Pair up the sources element by element, emitting tuples (Streamz `zip`). For each tuple
 * every source is asked for its next element at once. Ends as soon as any source ends, and
 * then closes the others (elements they already gave for that tuple are dropped); an error
 * in any source reaches the consumer and closes the others; `break` closes every source.
 * @param sources - async or sync iterables; the tuple is typed from them
 * @example
 * ```ts
 * await pipe(zip([1, 2, 3], ['a', 'b']), toArray()) // [[1, 'a'], [2, 'b']]
 * ```
 */
export function zip<T extends unknown[]>(...sources: SourceTuple<T>): AsyncIterable<T> {
  for (let i = 0; i < sources.length; i++) checkIterable('zip', `source ${i}`, sources[i])
  return describe(new Zip<T>(sources as readonly Source<unknown>[]), { name: 'zip', kind: 'join', upstream: sources })
}
