import type { Stage } from '../pipe/types.js'
import { AI, UP, fuse, isPromiseLike } from '../pipe/flow.js'
import { checkFunction, checkInteger, checkObject } from '../internal/check.js'
import { closeAll } from '../internal/close-all.js'

/** Options for {@link map}. */
export interface MapOptions {
  /** How many calls of `f` may run at once (default 1). Output order is always input order. */
  concurrency?: number
}

/**
 * Apply `f` to every element (Streamz `map`). `f` may be async: its promise is awaited.
 * With `concurrency > 1`, up to that many calls run at once, never more, and results are
 * still emitted in input order; at most `concurrency` elements are taken from upstream and
 * not yet emitted. Ends with the source; an error from `f` or the source reaches the consumer
 * after the results before it; `break` closes the source.
 * @param f - the function to apply, sync or async
 * @param options - `{ concurrency }`, a positive integer or Infinity (default 1)
 * @example
 * ```ts
 * await pipe([1, 2, 3], map((x) => x * 10), toArray()) // [10, 20, 30]
 * await pipe(urls, map(fetchJson, { concurrency: 4 }), sink(console.log))
 * ```
 */
export function map<A, B>(f: (x: A) => B | PromiseLike<B>, options: MapOptions = {}): Stage<A, B> {
  checkFunction('map', 'f', f)
  checkObject('map', 'options', options)
  const { concurrency = 1 } = options
  checkInteger('map', 'concurrency', concurrency, 1, true)
  if (concurrency > 1) return mapConcurrent(f, concurrency)
  return fuse<A, B>(`map(${f.name || 'fn'})`, (down) => ({
    push(x) {
      const y = f(x)
      return isPromiseLike(y) ? y.then((v) => down.push(v)) : down.push(y)
    },
    end: () => down.end(),
  }))
}

/** A call of `f` in flight or done: [state, value] with state 0 pending, 1 fulfilled, 2 rejected. */
type Slot = [0 | 1 | 2, unknown]

function mapConcurrent<A, B>(f: (x: A) => B | PromiseLike<B>, concurrency: number): Stage<A, B> {
  return (source) => ({
    [UP]: [f, source, concurrency], // for streamz-ts/see: map(f) with concurrency, on `source`
    [Symbol.asyncIterator]() {
      // An async generator queues return() behind a pending next(); closing the source
      // first lets a next() that waits on a silent source settle, so return() is prompt.
      const it = source[AI]()
      const g = mapConcurrentStage(it)
      return {
        next: () => g.next(),
        return() {
          closeAll([it])
          return g.return()
        },
      }
    },
  })

  async function* mapConcurrentStage(it: AsyncIterator<A>): AsyncGenerator<B, void, undefined> {
    const slots: Slot[] = [] // in input order; `first` is the oldest not yet emitted
    let first = 0
    let ended = false // the source ended or failed
    let pulling = false
    let failure: { e: unknown } | undefined
    let wake: (() => void) | undefined
    const signal = (): void => {
      const w = wake
      wake = undefined
      w?.()
    }
    const start = (x: A): void => {
      const slot: Slot = [0, undefined]
      slots.push(slot)
      const settle = (state: 1 | 2, value: unknown): void => {
        slot[0] = state
        slot[1] = value
        signal()
      }
      try {
        const y = f(x)
        if (isPromiseLike(y))
          y.then(
            (v) => settle(1, v),
            (e: unknown) => settle(2, e),
          )
        else settle(1, y)
      } catch (e) {
        settle(2, e)
      }
    }
    const fail = (e: unknown): void => {
      pulling = false
      ended = true
      failure = { e }
      signal()
    }
    try {
      for (;;) {
        if (!ended && !pulling && slots.length - first < concurrency) {
          pulling = true
          try {
            it.next().then((r) => {
              pulling = false
              if (r.done === true) ended = true
              else start(r.value)
              signal()
            }, fail)
          } catch (e) {
            fail(e)
          }
        }
        const slot = slots[first]
        if (slot !== undefined && slot[0] !== 0) {
          slots[first++] = undefined as unknown as Slot
          if (first === slots.length) slots.length = first = 0
          if (slot[0] === 2) throw slot[1]
          yield slot[1] as B
          continue
        }
        if (slot === undefined && ended) {
          if (failure) throw failure.e
          return
        }
        await new Promise<void>((resolve) => (wake = resolve))
      }
    } finally {
      if (!ended) closeAll([it]) // not awaited: a source stuck in next() must not hang the consumer
    }
  }
}
