import { abortable } from '../internal/abort.js'
import { checkFunction, checkObject, checkSignal } from '../internal/check.js'
import { realClock, type Clock } from '../internal/clock.js'
import { toMs } from '../internal/duration.js'

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
 * Never ends by itself: stop it with `break` or `signal`. An error thrown by `fn` ends it
 * with that error.
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
  async function* periodicStage(): AsyncGenerator<Awaited<T>> {
    let next = -Infinity
    for (;;) {
      signal?.throwIfAborted()
      const now = clock.now()
      if (now < next) await clock.sleep(next - now, signal)
      next = clock.now() + interval
      yield await fn()
    }
  }
  return abortable({ [Symbol.asyncIterator]: periodicStage }, signal)
}
