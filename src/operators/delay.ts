import type { Stage } from '../pipe/types.js'
import { abortable } from '../internal/abort.js'
import { checkObject, checkSignal } from '../internal/check.js'
import { realClock, type Clock } from '../internal/clock.js'
import { toMs } from '../internal/duration.js'
import { interruptible } from '../internal/interruptible.js'
import { describeStage } from '../internal/describe.js'

/** Options for {@link delay}. */
export interface DelayOptions {
  /** The clock to sleep on (default the real clock; a `FakeClock` in tests). */
  clock?: Clock
  /** Aborting it rejects the pending `next()` with `signal.reason` and closes the source. */
  signal?: AbortSignal
}

/**
 * Hold each element for `ms` before passing it on (Streamz `delay`). Pull-based: the
 * element is read when the consumer asks for one, then held for `ms`, so consecutive
 * elements are at least `ms` apart and nothing is read ahead. (Streamz 0.6.4 queues
 * elements as they are pushed and, after emitting one, sleeps for what is left of `ms`
 * since it started waiting for it; it does not hold elements against their arrival time.)
 * Ends with the source; errors propagate; `break` closes the source.
 * @param ms - how long each element is held: milliseconds or a duration string (`'500ms'`, `'2s'`)
 * @param options - `{ clock, signal }`
 * @example
 * ```ts
 * await pipe([1, 2, 3], delay('100ms'), toArray()) // [1, 2, 3] after 300 ms
 * ```
 */
export function delay<T>(ms: number | string, options: DelayOptions = {}): Stage<T, T> {
  const wait = toMs('delay', 'ms', ms)
  checkObject('delay', 'options', options)
  const { clock = realClock, signal } = options
  checkSignal('delay', signal)
  return describeStage(`delay(${wait}ms)`, (source) =>
    interruptible(async function* delayStage(stop, track) {
      for await (const x of abortable(track(source), signal)) {
        await clock.sleep(wait, stop)
        yield x
      }
    }, signal),
  )
}
