import { DONE, DRIVE, type Drivable, type Step } from '../pipe/flow.js'
import { checkInteger, checkObject, checkSignal } from '../internal/check.js'
import { Queue } from '../internal/queue.js'
import { describe } from '../internal/describe.js'

/** Options for {@link pushable}. */
export interface PushableOptions {
  /**
   * How many emitted items may wait, not yet taken by the pipeline, before `emit` holds the
   * producer back. Default 0: `await emit(x)` resolves once the pipeline has taken `x`.
   */
  highWaterMark?: number
  /** Aborting it stops the pipeline at once with `signal.reason`. */
  signal?: AbortSignal
}

/**
 * The push side of a pipeline (Streamz `Stream()` with `emit`), made by {@link pushable}.
 * @example
 * ```ts
 * const source: Pushable<string> = pushable<string>()
 * source.push('hello')
 * source.end()
 * await pipe(source, toArray()) // ['hello']
 * ```
 */
export interface Pushable<T> extends AsyncIterable<T> {
  /**
   * Put `x` in; the promise resolves once at most `highWaterMark` items are waiting (by
   * default: once `x` has been taken). It rejects if the pipeline stops before taking `x`.
   */
  emit(x: T): Promise<void>
  /** Put `x` in without waiting, whatever is buffered; `false` if the pipeline has stopped. */
  push(x: T): boolean
  /** No more items: the pipeline ends after taking what was put in. */
  end(): void
  /** Fail the pipeline with `err` after it has taken what was put in before. */
  error(err: unknown): void
  /** Items put in and not yet taken. */
  readonly length: number
  /** True once the pipeline has stopped taking items (ended, failed, or closed by its consumer). */
  readonly closed: boolean
}

const RESOLVED: Promise<void> = Promise.resolve()

interface Waiter {
  seq: number
  resolve: () => void
  reject: (e: Error) => void
}

class PushableSource<T> implements Pushable<T>, Drivable<T> {
  private readonly q = new Queue<T>()
  private enqueued = 0
  private taken = 0
  private readonly waiters = new Queue<Waiter>()
  private ended = false
  private failure: { error: unknown } | undefined
  private stopped = false
  private consumed = false
  // pull side
  private pending: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined
  // push side
  private target: Step<T> | undefined
  private busy = false
  private pumping = false
  private settle: { resolve: () => void; reject: (e: unknown) => void } | undefined

  constructor(
    private readonly hwm: number,
    signal: AbortSignal | undefined,
  ) {
    if (signal !== undefined) {
      const onAbort = (): void => this.abort(signal.reason)
      if (signal.aborted) this.abort(signal.reason)
      else signal.addEventListener('abort', onAbort, { once: true })
    }
  }

  get length(): number {
    return this.q.length
  }

  get closed(): boolean {
    return this.stopped
  }

  emit(x: T): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('pushable: the pipeline has stopped; the item was not taken'))
    if (this.ended) return Promise.reject(new Error('pushable: emit() after end() or error()'))
    const seq = this.enqueued
    this.enqueue(x)
    if (seq + 1 - this.hwm <= this.taken) return RESOLVED
    if (this.stopped) return Promise.reject(new Error('pushable: the pipeline has stopped; the item was not taken'))
    return new Promise<void>((resolve, reject) => this.waiters.push({ seq, resolve, reject }))
  }

  push(x: T): boolean {
    if (this.stopped) return false
    if (this.ended) throw new Error('pushable: push() after end() or error()')
    this.enqueue(x)
    return true
  }

  end(): void {
    if (this.ended || this.stopped) return
    this.ended = true
    this.dispatch()
  }

  error(err: unknown): void {
    if (this.ended || this.stopped) return
    this.ended = true
    this.failure = { error: err }
    this.dispatch()
  }

  private enqueue(x: T): void {
    this.q.push(x)
    this.enqueued++
    this.dispatch()
  }

  private take(): T {
    const x = this.q.shift()
    this.taken++
    const w = this.waiters
    while (w.length > 0 && w.peek().seq + 1 - this.hwm <= this.taken) w.shift().resolve()
    return x
  }

  private dispatch(): void {
    if (this.target !== undefined) this.pump()
    else if (this.pending !== undefined) {
      const p = this.pending
      if (this.q.length > 0) {
        this.pending = undefined
        p.resolve({ value: this.take(), done: false })
      } else if (this.ended) {
        this.pending = undefined
        this.stop()
        if (this.failure) p.reject(this.failure.error)
        else p.resolve({ value: undefined, done: true })
      }
    }
  }

  /** The pipeline takes nothing more: settle every waiting emit. */
  private stop(): void {
    if (this.stopped) return
    this.stopped = true
    const lost = new Error('pushable: the pipeline has stopped; the item was not taken')
    while (this.waiters.length > 0) {
      const w = this.waiters.shift()
      if (w.seq < this.taken) w.resolve()
      else w.reject(lost)
    }
    this.q.clear()
  }

  private abort(reason: unknown): void {
    if (this.stopped) return
    this.ended = true
    this.failure = { error: reason }
    this.q.clear()
    if (this.target !== undefined) this.fail(reason)
    else if (this.pending !== undefined) {
      const p = this.pending
      this.pending = undefined
      this.stop()
      p.reject(reason)
    } else this.stop()
  }

  // ---- pull side: for await

  [Symbol.asyncIterator](): AsyncIterator<T> {
    this.claim()
    return {
      next: () => {
        if (this.q.length > 0) return Promise.resolve({ value: this.take(), done: false })
        if (this.pending !== undefined)
          return Promise.reject(new Error('pushable: next() called while another is pending'))
        if (this.stopped) {
          const f = this.failure
          this.failure = undefined
          return f ? Promise.reject(f.error) : Promise.resolve({ value: undefined, done: true })
        }
        if (this.ended) {
          this.stop()
          const f = this.failure
          this.failure = undefined
          return f ? Promise.reject(f.error) : Promise.resolve({ value: undefined, done: true })
        }
        return new Promise<IteratorResult<T>>((resolve, reject) => (this.pending = { resolve, reject }))
      },
      return: () => {
        this.failure = undefined
        this.stop()
        const p = this.pending
        this.pending = undefined
        p?.resolve({ value: undefined, done: true })
        return Promise.resolve({ value: undefined, done: true })
      },
    }
  }

  // ---- push side: a built-in sink drives the pipeline from emit() itself

  [DRIVE](step: Step<T>): Promise<void> {
    this.claim()
    return new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject }
      this.target = step
      if (this.stopped) this.fail(this.failure?.error ?? new Error('pushable: the pipeline has stopped'))
      else this.pump()
    })
  }

  private claim(): void {
    if (this.consumed) throw new TypeError('pushable: it can be consumed by one pipeline only')
    this.consumed = true
  }

  private pump(): void {
    if (this.pumping || this.busy || this.settle === undefined) return
    const target = this.target as Step<T>
    this.pumping = true
    try {
      while (this.q.length > 0) {
        const r = target.push(this.take())
        if (r === undefined) continue
        if (r === DONE) return this.finish()
        this.busy = true
        r.then(
          (v) => {
            this.busy = false
            if (v === DONE) this.finish()
            else this.pump()
          },
          (e: unknown) => {
            this.busy = false
            this.fail(e)
          },
        )
        return
      }
      if (this.ended) {
        if (this.failure) return this.fail(this.failure.error)
        const r = target.end()
        if (r === undefined || r === DONE) this.finish()
        else {
          this.busy = true
          r.then(
            () => this.finish(),
            (e: unknown) => this.fail(e),
          )
        }
      }
    } catch (e) {
      this.fail(e)
    } finally {
      this.pumping = false
    }
  }

  private finish(): void {
    const s = this.settle
    this.settle = undefined
    this.stop()
    s?.resolve()
  }

  private fail(e: unknown): void {
    const s = this.settle
    this.settle = undefined
    this.stop()
    s?.reject(e)
  }
}

/**
 * A source you push into (Streamz `Stream()` + `emit`). `await emit(x)` resolves once the
 * pipeline has taken `x` (or, with `highWaterMark: n`, once at most `n` items wait), so a
 * fast producer is held back by a slow consumer. `push(x)` does not wait: use it for
 * feedback loops, where the pipeline pushes into its own source. `end()` finishes the
 * pipeline after what was pushed; `error(e)` fails it. When the consumer stops early,
 * emits of items it never took reject. One pipeline may consume it.
 * @param options - `{ highWaterMark = 0, signal }`
 * @example
 * ```ts
 * const source = pushable<number>()
 * const done = pipe(source, map((x) => x + 1), sink(console.log))
 * await source.emit(1) // prints 2
 * source.end()
 * await done
 * ```
 */
export function pushable<T>(options: PushableOptions = {}): Pushable<T> {
  checkObject('pushable', 'options', options)
  const { highWaterMark = 0, signal } = options
  checkInteger('pushable', 'highWaterMark', highWaterMark, 0, true)
  checkSignal('pushable', signal)
  const p = new PushableSource<T>(highWaterMark, signal)
  return describe(p, { name: 'pushable', kind: 'source', waiting: () => p.length })
}
