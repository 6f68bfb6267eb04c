import type { Source } from '../pipe/types.js'
import { DONE, DRIVE, toAsync, type Drivable, type Step, DONE_RESULT } from '../pipe/flow.js'
import { checkIterable } from '../internal/check.js'
import { closeAll } from '../internal/close-all.js'
import { Queue } from '../internal/queue.js'
import { describe } from '../internal/describe.js'

/**
 * A tuple of sources typed from the tuple of their element types: `SourceTuple<[A, B]>` is
 * `[Source<A>, Source<B>]`. It is how `merge`, `zip` and `zipLatest` type their arguments.
 * @example
 * ```ts
 * const sources: SourceTuple<[number, string]> = [[1, 2], ['a']]
 * const pairs = zip(...sources) // AsyncIterable<[number, string]>
 * ```
 */
export type SourceTuple<T extends readonly unknown[]> = { readonly [K in keyof T]: Source<T[K]> }

interface Waiter<T> {
  resolve: (r: IteratorResult<T>) => void
  reject: (e: unknown) => void
}

const resolvedDone = <T>(): Promise<IteratorResult<T>> => Promise.resolve(DONE_RESULT)

/**
 * Pull side of merge: one pull in flight or one element held per source, never more.
 * A source is asked for its next element only once its previous one has been taken.
 */
class MergeIterator<T> implements AsyncIterator<T> {
  private its: AsyncIterator<T>[] | undefined
  /** `held[i]` is source i's element waiting to be taken (its IteratorResult). */
  private held: (IteratorResult<T> | undefined)[] = []
  private finished: boolean[] = []
  /** Indexes of the sources whose element is held, in arrival order. */
  private readonly ready = new Queue<number>()
  private readonly waiters = new Queue<Waiter<T>>()
  private active = 0
  private stopped = false
  private failure: { error: Error } | undefined

  constructor(private readonly sources: readonly Source<T>[]) {}

  next(): Promise<IteratorResult<T>> {
    if (this.ready.length > 0 && this.waiters.length === 0) {
      const i = this.ready.shift()
      const r = this.held[i] as IteratorResult<T>
      this.held[i] = undefined
      this.pull(i)
      return Promise.resolve(r)
    }
    if (this.its === undefined) this.open()
    if (this.stopped) {
      const f = this.failure
      if (f === undefined) return resolvedDone()
      this.failure = undefined
      return Promise.reject(f.error)
    }
    return new Promise<IteratorResult<T>>((resolve, reject) => this.waiters.push({ resolve, reject }))
  }

  return(): Promise<IteratorResult<T>> {
    this.stop()
    this.failure = undefined
    while (this.waiters.length > 0) this.waiters.shift().resolve(DONE_RESULT)
    return resolvedDone()
  }

  private open(): void {
    const n = this.sources.length
    const its: AsyncIterator<T>[] = []
    this.its = its
    this.active = n
    if (n === 0) this.stopped = true
    for (let i = 0; i < n; i++) {
      this.finished.push(false)
      this.held.push(undefined)
      try {
        its.push(toAsync(this.sources[i] as Source<T>)[Symbol.asyncIterator]())
      } catch (e) {
        this.finished[i] = true
        this.fail(e)
        return
      }
    }
    for (let i = 0; i < n && !this.stopped; i++) this.pull(i)
  }

  private pull(i: number): void {
    if (this.stopped) return
    const it = (this.its as AsyncIterator<T>[])[i] as AsyncIterator<T>
    try {
      it.next().then(
        (r) => this.onResult(i, r),
        (e: unknown) => this.onError(i, e),
      )
    } catch (e) {
      this.onError(i, e)
    }
  }

  private onResult(i: number, r: IteratorResult<T>): void {
    if (this.stopped) return
    if (r.done === true) {
      this.finished[i] = true
      if (--this.active === 0) {
        this.stopped = true
        while (this.waiters.length > 0) this.waiters.shift().resolve(DONE_RESULT)
      }
    } else if (this.waiters.length > 0) {
      this.waiters.shift().resolve(r)
      this.pull(i)
    } else {
      this.held[i] = r
      this.ready.push(i)
    }
  }

  private onError(i: number, e: unknown): void {
    if (this.stopped) return
    this.finished[i] = true
    this.fail(e)
  }

  /** Stop at once: the next (or a waiting) next() rejects with `e`; later ones end. */
  private fail(e: unknown): void {
    this.stop()
    if (this.waiters.length > 0) {
      this.waiters.shift().reject(e)
      while (this.waiters.length > 0) this.waiters.shift().resolve(DONE_RESULT)
    } else this.failure = { error: e as Error }
  }

  /** Take nothing more and close every source that has not finished. */
  private stop(): void {
    this.ready.clear()
    if (this.stopped) return
    this.stopped = true
    this.held.fill(undefined)
    const its = this.its
    if (its !== undefined) closeAll(its.filter((_, i) => this.finished[i] !== true))
  }
}

/** The object `merge` returns: iterable, and drivable by a built-in sink without a promise per element. */
class Merge<T> implements Drivable<T> {
  constructor(private readonly sources: readonly Source<T>[]) {}

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return new MergeIterator<T>(this.sources)
  }

  [DRIVE](step: Step<T>): Promise<void> {
    return driveMerge(this.sources, step)
  }
}

/**
 * Push side: each source runs its own loop straight into `step`. Pushes are serialised:
 * while a push's promise is pending, the other loops wait before pushing theirs.
 */
function driveMerge<T>(sources: readonly Source<T>[], step: Step<T>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const n = sources.length
    const its: (AsyncIterator<T> | undefined)[] = new Array<AsyncIterator<T> | undefined>(n)
    const finished: boolean[] = new Array<boolean>(n).fill(false)
    let active = n
    let stopped = false
    /** The pending promise of the last push, while it is pending. */
    let busy: PromiseLike<unknown> | undefined

    const stop = (): void => {
      stopped = true
      closeAll(its.filter((_, i) => !finished[i]))
    }
    const fail = (e: Error): void => {
      if (stopped) return
      stop()
      reject(e)
    }
    const done = (): void => {
      if (stopped) return
      stop()
      resolve()
    }
    const end = (): void => {
      stopped = true
      try {
        const r = step.end()
        if (r === undefined || r === DONE) resolve()
        else r.then(() => resolve(), reject)
      } catch (e) {
        const err = e as Error
        reject(err)
      }
    }

    const loop = async (i: number): Promise<void> => {
      const it = its[i] as AsyncIterator<T>
      for (;;) {
        let r: IteratorResult<T>
        try {
          r = await it.next()
        } catch (e) {
          finished[i] = true
          throw e
        }
        if (stopped) return
        if (r.done === true) {
          finished[i] = true
          if (--active === 0) end()
          return
        }
        while (busy !== undefined) {
          await busy
          if (stopped) return
        }
        const p = step.push(r.value)
        if (p === undefined) continue
        if (p === DONE) {
          done()
          return
        }
        busy = p
        let v: unknown
        try {
          v = await p
        } finally {
          if (busy === p) busy = undefined
        }
        if (stopped) return
        if (v === DONE) {
          done()
          return
        }
      }
    }

    try {
      for (let i = 0; i < n; i++) its[i] = toAsync(sources[i] as Source<T>)[Symbol.asyncIterator]()
    } catch (e) {
      fail(e as Error)
      return
    }
    if (n === 0) return end()
    for (let i = 0; i < n; i++) loop(i).then(undefined, fail)
  })
}

/**
 * Interleave several sources, emitting elements as they arrive (Streamz `union`). Each
 * source is read at most one element ahead: it is asked for its next element once its
 * previous one has been taken. Ends when every source has ended; an error in any source
 * reaches the consumer at once (elements other sources had ready are dropped) and closes
 * the other sources; `break` closes every source.
 * @param sources - async or sync iterables; their element types are joined
 * @example
 * ```ts
 * await pipe(merge([1, 2], ['a']), toArray()) // all three, in arrival order, e.g. [1, 'a', 2]
 * ```
 */
export function merge<T extends readonly unknown[]>(...sources: SourceTuple<T>): AsyncIterable<T[number]> {
  for (let i = 0; i < sources.length; i++) checkIterable('merge', `source ${i}`, sources[i])
  return describe(new Merge<T[number]>(sources as readonly Source<T[number]>[]), {
    name: 'merge',
    kind: 'join',
    upstream: sources,
  })
}
