import { Queue } from '../../internal/queue.js'

interface Entry<T> {
  value: T
  /** Called when the consumer takes the value. */
  taken: (() => void) | undefined
  /** Called when the value is dropped without being taken (the consumer stopped). */
  dropped: (() => void) | undefined
  /** When it returns true at take time, the value is skipped (e.g. its client went away). */
  skip: (() => boolean) | undefined
}

/**
 * The pull side shared by the server sources (HTTP, TCP): a queue of received elements, each
 * with optional callbacks for when the consumer takes it or when it is dropped untaken, and
 * one consumer that pulls with `next()`. The server decides what "full" means by reading
 * `length` and `hasTaker`; `onDemand` tells it after each take and whenever the consumer starts
 * waiting (to resume paused sockets).
 * @internal
 */
export class Intake<T> {
  private readonly q = new Queue<Entry<T>>()
  private waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined
  private failure: { error: unknown } | undefined
  private finished = false
  private aborted: { error: unknown } | undefined

  constructor(private readonly onDemand: () => void = () => undefined) {}

  /** Elements received and not yet taken. */
  get length(): number {
    return this.q.length
  }

  /** True while the consumer waits in `next()` (a pushed element is taken at once). */
  get hasTaker(): boolean {
    return this.waiting !== undefined
  }

  /** True once the consumer stopped or the source failed: nothing more is accepted. */
  get closed(): boolean {
    return this.finished
  }

  /** Hand `value` over; `false` (and nothing is kept) once closed. */
  push(value: T, taken?: () => void, dropped?: () => void, skip?: () => boolean): boolean {
    if (this.finished || this.failure !== undefined) return false
    const w = this.waiting
    if (w !== undefined) {
      this.waiting = undefined
      taken?.()
      w.resolve({ value, done: false })
      this.onDemand()
      return true
    }
    this.q.push({ value, taken, dropped, skip })
    return true
  }

  next(): Promise<IteratorResult<T>> {
    if (this.aborted !== undefined) return Promise.reject(this.aborted.error)
    while (this.q.length > 0 && this.q.peek().skip?.() === true) this.q.shift()
    if (this.q.length > 0) {
      const e = this.q.shift()
      e.taken?.()
      this.onDemand()
      return Promise.resolve({ value: e.value, done: false })
    }
    if (this.failure !== undefined) {
      const f = this.failure
      this.finish()
      return Promise.reject(f.error)
    }
    if (this.finished) return Promise.resolve({ value: undefined, done: true })
    if (this.waiting !== undefined) return Promise.reject(new Error('next() called while another is pending'))
    const p = new Promise<IteratorResult<T>>((resolve, reject) => (this.waiting = { resolve, reject }))
    this.onDemand()
    return p
  }

  /** Fail the consumer with `error` after it has taken what is queued. */
  fail(error: unknown): void {
    if (this.finished || this.failure !== undefined) return
    this.failure = { error }
    const w = this.waiting
    if (w !== undefined) {
      this.waiting = undefined
      this.finish()
      w.reject(error)
    }
  }

  /** Fail the consumer with `error` at once: queued elements are dropped, later `next()` calls reject. */
  abort(error: unknown): void {
    if (this.finished) return
    this.failure = undefined
    this.finish()
    this.aborted = { error }
    const w = this.waiting
    this.waiting = undefined
    w?.reject(error)
  }

  /** The consumer stopped: queued elements are dropped; a pending `next()` ends. */
  close(): void {
    const w = this.waiting
    this.waiting = undefined
    this.finish()
    w?.resolve({ value: undefined, done: true })
  }

  private finish(): void {
    if (this.finished) return
    this.finished = true
    while (this.q.length > 0) this.q.shift().dropped?.()
  }
}
