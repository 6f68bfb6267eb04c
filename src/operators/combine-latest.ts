import type { Source } from '../pipe/types.js'
import { toAsync, DONE_RESULT } from '../pipe/flow.js'
import { checkIterable, checkObject, show } from '../internal/check.js'
import { closeAll } from '../internal/close-all.js'
import { Queue } from '../internal/queue.js'
import type { SourceTuple } from './merge.js'
import { describe } from '../internal/describe.js'

/** Options for {@link combineLatest}. */
export interface CombineLatestOptions {
  /**
   * The index (or indexes) of the sources whose arrivals emit a tuple; elements of the
   * other sources only update the latest values. Default: every source.
   */
  emitOn?: number | readonly number[]
}

interface Waiter<T> {
  resolve: (r: IteratorResult<T>) => void
  reject: (e: unknown) => void
}

/**
 * The engine of combineLatest and zipLatest: one read loop per source, each asking for its
 * next element as soon as its previous one has been used. An element that updates only the
 * latest values is used at once; one that emits a tuple is used when the tuple is taken.
 * With `lossless`, source 0 is the only trigger and an element of it that arrives while
 * another source has no value yet is held (its loop waits) and emitted once all have one.
 * Input ends when no trigger source can emit again; tuples already made are delivered first.
 * @internal
 */
export class LatestIterator<T extends unknown[]> implements AsyncIterator<T> {
  private its: AsyncIterator<unknown>[] | undefined
  private readonly finished: boolean[] = []
  private readonly has: boolean[] = []
  private readonly latest: unknown[] = []
  private missing: number
  private triggersLeft = 0
  /** lossless mode: source 0's element waits for every other source to have a value */
  private holding = false
  private readonly out = new Queue<T>()
  private readonly from = new Queue<number>()
  private readonly waiters = new Queue<Waiter<T>>()
  /** No more input: every source is finished or closed. */
  private stopped = false
  private failure: { error: Error } | undefined
  private readonly oks: ((r: IteratorResult<unknown>) => void)[] = []
  private readonly bads: ((e: unknown) => void)[] = []

  constructor(
    private readonly sources: readonly Source<unknown>[],
    private readonly trigger: readonly boolean[],
    private readonly lossless: boolean,
  ) {
    this.missing = sources.length
  }

  next(): Promise<IteratorResult<T>> {
    if (this.out.length > 0 && this.waiters.length === 0) {
      const value = this.out.shift()
      this.pull(this.from.shift())
      return Promise.resolve({ value, done: false })
    }
    if (this.its === undefined) this.open()
    if (this.stopped && this.out.length === 0) {
      const f = this.failure
      if (f === undefined) return Promise.resolve(DONE_RESULT)
      this.failure = undefined
      return Promise.reject(f.error)
    }
    return new Promise<IteratorResult<T>>((resolve, reject) => this.waiters.push({ resolve, reject }))
  }

  return(): Promise<IteratorResult<T>> {
    this.stop()
    this.out.clear()
    this.from.clear()
    this.failure = undefined
    while (this.waiters.length > 0) this.waiters.shift().resolve(DONE_RESULT)
    return Promise.resolve(DONE_RESULT)
  }

  private open(): void {
    const n = this.sources.length
    const its: AsyncIterator<unknown>[] = []
    this.its = its
    for (let i = 0; i < n; i++) {
      this.finished.push(false)
      this.has.push(false)
      this.latest.push(undefined)
      if (this.trigger[i] === true) this.triggersLeft++
      this.oks.push((r) => this.onResult(i, r))
      this.bads.push((e) => this.onError(i, e))
      try {
        its.push(toAsync(this.sources[i] as Source<unknown>)[Symbol.asyncIterator]())
      } catch (e) {
        this.finished[i] = true
        return this.fail(e)
      }
    }
    if (n === 0) this.stopped = true
    for (let i = 0; i < n && !this.stopped; i++) this.pull(i)
  }

  private pull(i: number): void {
    if (this.stopped) return
    try {
      ;(this.its as AsyncIterator<unknown>[])[i]?.next().then(this.oks[i], this.bads[i] as (e: unknown) => void)
    } catch (e) {
      this.onError(i, e)
    }
  }

  private onResult(i: number, r: IteratorResult<unknown>): void {
    if (this.stopped) return
    if (r.done === true) {
      this.finished[i] = true
      // without a value from source i, or with no trigger left, nothing more can be emitted
      const isTrigger = this.trigger[i] === true
      if (!this.has[i] || (isTrigger && --this.triggersLeft === 0)) this.end()
      return
    }
    this.latest[i] = r.value
    if (!this.has[i]) {
      this.has[i] = true
      this.missing--
    }
    if (this.trigger[i] === true) {
      if (this.missing === 0) this.emit(i)
      else if (this.lossless) this.holding = true
      else this.pull(i)
    } else {
      this.pull(i)
      if (this.holding && this.missing === 0) {
        this.holding = false
        this.emit(0)
      }
    }
  }

  /** Emit the latest values as a tuple; source `i` reads on once it is taken. */
  private emit(i: number): void {
    const tuple = this.latest.slice() as T
    if (this.waiters.length > 0) {
      this.waiters.shift().resolve({ value: tuple, done: false })
      this.pull(i)
    } else {
      this.out.push(tuple)
      this.from.push(i)
    }
  }

  private onError(i: number, e: unknown): void {
    if (this.stopped) return
    this.finished[i] = true
    this.fail(e)
  }

  /** Fail at once: tuples not yet taken are dropped. */
  private fail(e: unknown): void {
    this.stop()
    this.out.clear()
    this.from.clear()
    if (this.waiters.length > 0) {
      this.waiters.shift().reject(e)
      while (this.waiters.length > 0) this.waiters.shift().resolve(DONE_RESULT)
    } else this.failure = { error: e as Error }
  }

  /** No more tuples can be made: close the sources, deliver what is queued, then end. */
  private end(): void {
    this.stop()
    if (this.out.length === 0) while (this.waiters.length > 0) this.waiters.shift().resolve(DONE_RESULT)
  }

  private stop(): void {
    if (this.stopped) return
    this.stopped = true
    const its = this.its
    if (its !== undefined) closeAll(its.filter((_, i) => this.finished[i] !== true))
  }
}

/** The object combineLatest and zipLatest return. @internal */
export class Latest<T extends unknown[]> implements AsyncIterable<T> {
  constructor(
    private readonly sources: readonly Source<unknown>[],
    private readonly trigger: readonly boolean[],
    private readonly lossless: boolean,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return new LatestIterator<T>(this.sources, this.trigger, this.lossless)
  }
}

/**
 * Emit a tuple of the latest element of every source each time a source in `emitOn` (by
 * default: any source) yields, once every source has yielded at least once (Streamz
 * `combine_latest`). Elements that arrive before then only update the latest values. The
 * sources are read concurrently, each at most one element ahead of what has been used.
 * Ends when every `emitOn` source has ended (or at once when a source ends without ever
 * yielding), after the tuples already made, and closes the other sources; an error in any
 * source reaches the consumer at once and closes the others; `break` closes every source.
 * @param sources - an array of async or sync iterables; the tuple is typed from them
 * @param options - `{ emitOn }`: an index or array of indexes into `sources`
 * @example
 * ```ts
 * // emit on every new price, paired with the latest exchange rate
 * const quoted = combineLatest([prices, rates], { emitOn: 0 })
 * for await (const [price, rate] of quoted) console.log(price * rate)
 * ```
 */
export function combineLatest<T extends unknown[]>(
  sources: readonly [...SourceTuple<T>],
  options: CombineLatestOptions = {},
): AsyncIterable<T> {
  if (!Array.isArray(sources))
    throw new TypeError(`combineLatest: sources must be an array of iterables, got ${show(sources)}`)
  const list = sources as readonly Source<unknown>[]
  for (let i = 0; i < list.length; i++) checkIterable('combineLatest', `sources[${i}]`, list[i])
  checkObject('combineLatest', 'options', options)
  const { emitOn } = options
  const trigger = list.map(() => emitOn === undefined)
  if (emitOn !== undefined) {
    const idx: readonly unknown[] = Array.isArray(emitOn) ? emitOn : [emitOn]
    if (idx.length === 0)
      throw new RangeError('combineLatest: emitOn must name at least one source, got an empty array')
    for (const k of idx) {
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k >= list.length)
        throw new RangeError(
          `combineLatest: emitOn must hold indexes of sources (0 to ${list.length - 1}), got ${show(k)}`,
        )
      trigger[k] = true
    }
  }
  return describe(new Latest<T>(list, trigger, false), { name: 'combineLatest', kind: 'join', upstream: list })
}
