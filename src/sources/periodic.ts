import { abortable } from '../internal/abort.js'
import { checkFunction, checkObject, checkSignal } from '../internal/check.js'
import { realClock, type Clock } from '../internal/clock.js'
import { toMs } from '../internal/duration.js'
import { interruptible } from '../internal/interruptible.js'
import { describe, nameOf } from '../internal/describe.js'

/** Options for {@link periodic}. */
export interface PeriodicOptions {
  /** The clock to sleep on (default the real clock; a `FakeClock` in tests). */
  clock?: Clock
  /** Aborting it rejects the pending `next()` with `signal.reason` and stops the calls. */
  signal?: AbortSignal
}

/**
 * Call `fn` every `ms` and emit what it returns (Streamz `from_periodic`). The first call
 * happens at the first `next()`, each later one `ms` after the call before it started, or at
 * once if the consumer asks later than that: calls are made on demand, never queued up while
 * nobody listens. `fn` may be async; its result is awaited. Like Streamz, which emits `None`,
 * an `undefined` result is emitted too (add `filter((x) => x !== undefined)` to drop it).
 * Never ends by itself: stop it with `break` or `signal`, which cancel the timer at once,
 * even while a `next()` is waiting (a pending async `fn` is no longer awaited). An error
 * thrown by `fn` ends it with that error.
 * @param fn - called with no arguments, sync or async
 * @param ms - the period: milliseconds or a duration string (`'500ms'`, `'1s'`)
 * @param options - `{ clock, signal }`
 * @example
 * ```ts
 * for await (const t of periodic(() => Date.now(), '1s')) console.log(t) // a timestamp a second
 * ```
 */
export function periodic<T>(
  fn: () => T | PromiseLike<T>,
  ms: number | string,
  options: PeriodicOptions = {},
): AsyncIterable<Awaited<T>> {
  checkFunction('periodic', 'fn', fn)
  const interval = toMs('periodic', 'ms', ms)
  checkObject('periodic', 'options', options)
  const { clock = realClock, signal } = options
  checkSignal('periodic', signal)
  // `stop` fires on `signal` and on return() during a pending next(): every wait takes it
  async function* periodicStage(stop: AbortSignal): AsyncGenerator<Awaited<T>, void, undefined> {
    let next = -Infinity
    for (;;) {
      stop.throwIfAborted()
      const now = clock.now()
      if (now < next) await clock.sleep(next - now, stop)
      next = clock.now() + interval
      const r = fn()
      yield isThenable(r) ? await untilStopped(r, stop) : r
    }
  }
  return describe(abortable(interruptible(periodicStage, signal), signal), {
    name: `periodic(${nameOf(fn)})`,
    kind: 'source',
  })
}

function isThenable<T>(x: T | PromiseLike<T>): x is PromiseLike<T> {
  return (
    x !== null &&
    (typeof x === 'object' || typeof x === 'function') &&
    typeof (x as { then?: unknown }).then === 'function'
  )
}

/** `p`, or a rejection with `stop.reason` as soon as `stop` fires (then `p` is left to settle unobserved). */
function untilStopped<T>(p: PromiseLike<T>, stop: AbortSignal): Promise<Awaited<T>> {
  if (stop.aborted) return Promise.reject(stop.reason as Error)
  return new Promise<Awaited<T>>((resolve, reject) => {
    const onStop = (): void => reject(stop.reason as Error)
    stop.addEventListener('abort', onStop, { once: true })
    Promise.resolve(p).then(
      (v) => {
        stop.removeEventListener('abort', onStop)
        resolve(v)
      },
      (e: unknown) => {
        stop.removeEventListener('abort', onStop)
        reject(e)
      },
    )
  })
}
