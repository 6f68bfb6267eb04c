import type { Stage } from '../pipe/types.js'
import { abortable } from '../internal/abort.js'
import { checkObject, checkSignal } from '../internal/check.js'
import { realClock, type Clock } from '../internal/clock.js'
import { toMs } from '../internal/duration.js'
import { interruptible } from '../internal/interruptible.js'
import { describeStage } from '../internal/describe.js'

/** Options for {@link rateLimit}. */
export interface RateLimitOptions {
  /** The clock to sleep on (default the real clock; a `FakeClock` in tests). */
  clock?: Clock
  /** Aborting it rejects the pending `next()` with `signal.reason` and closes the source. */
  signal?: AbortSignal
}

/**
 * Let elements through no closer than `ms` apart (Streamz `rate_limit`). The first element
 * passes at once; a later one waits until `ms` after the one before it was released. Nothing
 * is read ahead: the source is pulled when the consumer asks. Ends with the source; errors
 * propagate; `break` closes the source.
 * @param ms - the minimum spacing: milliseconds or a duration string (`'500ms'`, `'1s'`)
 * @param options - `{ clock, signal }`
 * @example
 * ```ts
 * await pipe(fromIterable(urls), rateLimit('1s'), map(fetch), sink(console.log)) // one request a second
 * ```
 */
export function rateLimit<T>(ms: number | string, options: RateLimitOptions = {}): Stage<T, T> {
  const gap = toMs('rateLimit', 'ms', ms)
  checkObject('rateLimit', 'options', options)
  const { clock = realClock, signal } = options
  checkSignal('rateLimit', signal)
  return describeStage(`rateLimit(${gap}ms)`, (source) =>
    interruptible(async function* rateLimitStage(stop, track) {
      let next = -Infinity
      for await (const x of abortable(track(source), signal)) {
        const now = clock.now()
        if (now < next) await clock.sleep(next - now, stop)
        next = clock.now() + gap
        yield x
      }
    }, signal),
  )
}
