import type { Source } from '../pipe/types.js'
import { isSyncOnly as isSync, DONE_RESULT } from '../pipe/flow.js'
import { checkInteger, checkIterable, checkObject } from '../internal/check.js'
import { closeAll } from '../internal/close-all.js'
import { Queue } from '../internal/queue.js'
import { TRY_NEXT, hasProbe, openSource, probeNext, type SyncProbe } from './zip.js'
import { describe } from '../internal/describe.js'

/** Options for {@link tee}. */
export interface TeeOptions {
  /**
   * How far the fastest branch may run ahead of the slowest open one, in elements
   * (default 64, a positive integer or Infinity). It is also the most elements held in the
   * shared buffer. A branch that asks for more waits until the slow branch catches up.
   */
  highWaterMark?: number
}

/** The default {@link TeeOptions.highWaterMark}. */
export const TEE_HIGH_WATER_MARK = 64

interface Request<T> {
  resolve: (r: IteratorResult<T>) => void
  reject: (e: unknown) => void
}

/** One branch: a cursor into the shared buffer. It is its own (one-shot) iterator. */
class Branch<T> implements AsyncIterableIterator<T>, SyncProbe<T> {
  /** Sequence number of the next element this branch reads. */
  pos = 0
  closed = false
  /** The source error was delivered to this branch already. */
  failed = false
  readonly requests = new Queue<Request<T>>(1)

  constructor(private readonly core: TeeCore<T>) {}

  [Symbol.asyncIterator](): this {
    return this
  }

  /** The next result if it is at hand now (may throw the source error); `undefined` if `next()` must wait. */
  [TRY_NEXT](): IteratorResult<T> | undefined {
    if (this.requests.length > 0) return undefined
    const core = this.core
    if (this.closed) return DONE_RESULT
    if (this.pos < core.seq || core.fill(this)) return { value: core.take(this), done: false }
    if (!core.ended) return undefined
    const f = core.failure
    if (f === undefined || this.failed) return DONE_RESULT
    this.failed = true
    throw f.error
  }

  next(): Promise<IteratorResult<T>> {
    return probeNext(this, (resolve, reject) => {
      this.requests.push({ resolve, reject })
      this.core.serve(this)
    })
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.closed) this.core.close(this)
    return Promise.resolve(DONE_RESULT)
  }
}

class TeeCore<T> {
  private it: Iterator<T> | AsyncIterator<T> | undefined
  /** The source can answer synchronously: a sync iterable, or an iterator with a sync probe. */
  private sync = true
  /** Elements from sequence number `base` to `seq - 1`; `base` is the slowest open branch's `pos`. */
  private readonly buf = new Queue<T>()
  private base = 0
  seq = 0
  private pulling = false
  ended = false
  failure: { error: Error } | undefined
  /** Some branch waits for the slowest one to catch up. */
  private blocked = false
  private open: number
  readonly branches: Branch<T>[] = []

  constructor(
    private readonly source: Source<T>,
    n: number,
    private readonly hwm: number,
  ) {
    this.open = n
    for (let i = 0; i < n; i++) this.branches.push(new Branch<T>(this))
  }

  /** How many elements are held for the slowest branch (for streamz-ts/see). */
  get buffered(): number {
    return this.buf.length
  }

  /** Take the element at `b.pos`, which must be buffered. */
  take(b: Branch<T>): T {
    const x = this.buf.at(b.pos - this.base)
    if (b.pos++ === this.base) this.trim()
    return x
  }

  /**
   * Pull synchronously for `b`, which is at the head, when the source is sync and the
   * buffer has room. True if an element is now buffered for `b`.
   */
  fill(b: Branch<T>): boolean {
    if (!this.sync || this.ended || this.pulling || b.closed || this.buf.length >= this.hwm) return false
    return this.pullSync() && b.pos < this.seq
  }

  /** Serve `b`'s pending requests as far as possible; pull when it is at the head and allowed. */
  serve(b: Branch<T>): void {
    const q = b.requests
    while (q.length > 0) {
      if (b.closed) q.shift().resolve(DONE_RESULT)
      else if (b.pos < this.seq) q.shift().resolve({ value: this.take(b), done: false })
      else if (this.ended) {
        const r = q.shift()
        const f = this.failure
        if (f !== undefined && !b.failed) {
          b.failed = true
          r.reject(f.error)
        } else r.resolve(DONE_RESULT)
      } else if (this.pulling) return
      else if (this.buf.length >= this.hwm) {
        this.blocked = true
        return
      } else if (!this.pullSync()) return this.pullAsync()
    }
  }

  private serveAll(): void {
    const bs = this.branches
    for (let i = 0; i < bs.length; i++) {
      const b = bs[i] as Branch<T>
      if (b.requests.length > 0) this.serve(b)
    }
  }

  /** Pull synchronously if the source can answer now; false if it cannot (then pull async). */
  private pullSync(): boolean {
    if (!this.sync) return false
    try {
      let it = this.it
      if (it === undefined) {
        it = this.it = openSource(this.source) as Iterator<T> | AsyncIterator<T>
        this.sync = isSync(this.source) || hasProbe(it)
        if (!this.sync) return false
      }
      const r = hasProbe<T>(it) ? it[TRY_NEXT]() : (it as Iterator<T>).next()
      if (r === undefined) return false
      if (r.done === true) this.ended = true
      else this.push(r.value)
    } catch (e) {
      this.ended = true
      this.failure = { error: e as Error }
    }
    return true
  }

  private pullAsync(): void {
    this.pulling = true
    try {
      this.it ??= openSource(this.source) as AsyncIterator<T>
      ;(this.it as AsyncIterator<T>).next().then(this.onResult, this.onError)
    } catch (e) {
      this.onError(e)
    }
  }

  private readonly onResult = (r: IteratorResult<T>): void => {
    this.pulling = false
    if (this.open === 0) return
    if (r.done === true) this.ended = true
    else this.push(r.value)
    this.serveAll()
  }

  private readonly onError = (e: unknown): void => {
    this.pulling = false
    if (this.open === 0) return
    this.ended = true
    this.failure = { error: e as Error }
    this.serveAll()
  }

  private push(x: T): void {
    this.buf.push(x)
    this.seq++
  }

  /** Drop the elements every open branch has read; wake branches the slow one held back. */
  private trim(): void {
    let min = this.seq
    const bs = this.branches
    for (let i = 0; i < bs.length; i++) {
      const b = bs[i] as Branch<T>
      if (!b.closed && b.pos < min) min = b.pos
    }
    while (this.base < min) {
      this.buf.shift()
      this.base++
    }
    if (this.blocked && this.buf.length < this.hwm) {
      this.blocked = false
      this.serveAll()
    }
  }

  close(b: Branch<T>): void {
    b.closed = true
    this.serve(b)
    if (--this.open === 0) {
      this.buf.clear()
      if (!this.ended) {
        this.ended = true
        if (this.it !== undefined) closeAll([this.it])
      }
    } else if (b.pos === this.base) this.trim()
  }
}

/**
 * Split one source into `n` iterables that each see every element (Streamz: several
 * downstreams on one node). Lazy: the source is read only when a branch asks for an
 * element no branch has yet, and only while no open branch is `highWaterMark` or more
 * elements behind; otherwise the asking branch waits, so a slow branch holds the source
 * back and at most `highWaterMark` elements are buffered. Every branch must be read or
 * closed; branches read in lockstep (zip) must not drift more than `highWaterMark` apart
 * (a filter on one of them can), or they wait on each other forever. Each branch ends with the source; a source error reaches every branch at that
 * position; `return()` (or `break`) closes one branch, and closing all of them closes the
 * source.
 * @param source - an async or sync iterable
 * @param n - the number of branches, a positive integer
 * @param options - `{ highWaterMark = 64 }`
 * @example
 * ```ts
 * const [a, b] = tee([1, 2, 3], 2)
 * const [sum, max] = await Promise.all([
 *   pipe(a, accumulate((x, y) => x + y), toArray()),
 *   pipe(b, accumulate((x, y) => Math.max(x, y)), toArray()),
 * ]) // [[1, 3, 6], [1, 2, 3]]
 * ```
 */
export function tee<T>(source: Source<T>, n: 2, options?: TeeOptions): [AsyncIterable<T>, AsyncIterable<T>]
export function tee<T>(
  source: Source<T>,
  n: 3,
  options?: TeeOptions,
): [AsyncIterable<T>, AsyncIterable<T>, AsyncIterable<T>]
export function tee<T>(source: Source<T>, n: number, options?: TeeOptions): AsyncIterable<T>[]
export function tee<T>(source: Source<T>, n: number, options: TeeOptions = {}): AsyncIterable<T>[] {
  checkIterable('tee', 'source', source)
  checkInteger('tee', 'n', n, 1)
  checkObject('tee', 'options', options)
  const { highWaterMark = TEE_HIGH_WATER_MARK } = options
  checkInteger('tee', 'highWaterMark', highWaterMark, 1, true)
  const core = new TeeCore<T>(source, n, highWaterMark)
  const d = { name: `tee(${n})`, kind: 'split', upstream: [source], waiting: () => core.buffered } as const
  for (const b of core.branches) describe(b, d)
  return core.branches
}
