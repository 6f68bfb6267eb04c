import { batchAcks } from '../internal/ack.js'
import type { Stage } from '../pipe/types.js'
import { checkObject, checkSignal } from '../internal/check.js'
import { realClock, type Clock } from '../internal/clock.js'
import { closeAll } from '../internal/close-all.js'
import { toMs } from '../internal/duration.js'
import { interruptible } from '../internal/interruptible.js'
import { describeStage } from '../internal/describe.js'

/** Options for {@link timedWindow}. */
export interface TimedWindowOptions {
  /** The clock that times the windows (default the real clock; a `FakeClock` in tests). */
  clock?: Clock
  /** Aborting it rejects the pending `next()` with `signal.reason`, cancels the timer and closes the source. */
  signal?: AbortSignal
}

/**
 * Emit, every `ms`, the array of elements that arrived during that interval (Streamz
 * `timed_window`); intervals in which nothing arrived emit nothing. The source is read
 * while the timer runs, from the first `next()` on. Buffering is bounded: at most one
 * finished window waits for the consumer while the next one fills; if that one is due as
 * well, reading stops (and the timer pauses) until the consumer takes the waiting window,
 * so a slow consumer slows the source rather than growing memory. When the source ends, the
 * windows held (the last one partial) are emitted and the stage ends; a source error is
 * raised after them. `break` or an abort cancels the timer and closes the source.
 * @param ms - the window length: milliseconds or a duration string (`'500ms'`, `'1s'`)
 * @param options - `{ clock, signal }`
 * @example
 * ```ts
 * await pipe(clicks, timedWindow('1s'), map((w) => w.length), sink(console.log)) // clicks per second
 * ```
 */
export function timedWindow<T>(ms: number | string, options: TimedWindowOptions = {}): Stage<T, T[]> {
  const interval = toMs('timedWindow', 'ms', ms)
  checkObject('timedWindow', 'options', options)
  const { clock = realClock, signal } = options
  checkSignal('timedWindow', signal)
  return describeStage(
    `timedWindow(${interval}ms)`,
    batchAcks((source: AsyncIterable<T>) =>
      interruptible(async function* timedWindowStage(stopping, track) {
        signal?.throwIfAborted()
        const it = track(source)[Symbol.asyncIterator]()
        const timer = new AbortController()
        let current: T[] = []
        /** a finished window the consumer has not taken yet */
        let ready: T[] | undefined
        /** the current window is due too, but `ready` is still occupied: reading and the timer pause */
        let sealed = false
        /** an element that arrived after the current window was sealed */
        let held: { value: T } | undefined
        let pulling = false
        let streak = 0
        // `as boolean`: set by callbacks, so the loop below must not narrow it to `false`
        let srcDone = false as boolean
        let failure: { error: unknown } | undefined
        let stopped = false
        let wake: (() => void) | undefined
        const notify = (): void => {
          const w = wake
          wake = undefined
          w?.()
        }
        const stop = (): void => {
          if (stopped) return
          stopped = true
          timer.abort()
          if (!srcDone) closeAll([it])
        }
        const onAbort = (): void => {
          stop()
          notify()
        }
        const startTimer = (): void => {
          clock.sleep(interval, timer.signal).then(tick, () => undefined)
        }
        const tick = (): void => {
          if (stopped) return
          if (current.length === 0) startTimer()
          else if (ready === undefined) {
            ready = current
            current = []
            startTimer()
            notify()
          } else sealed = true
        }
        const pull = (): void => {
          if (pulling || srcDone || sealed || stopped) return
          pulling = true
          const fail = (error: unknown): void => {
            pulling = false
            srcDone = true
            failure = { error }
            notify()
          }
          try {
            it.next().then((r) => {
              pulling = false
              if (r.done === true) srcDone = true
              else if (sealed) held = { value: r.value }
              else current.push(r.value)
              notify()
              // a source that always answers at once would keep the pump in microtasks and
              // starve the timer: let the event loop turn now and then
              if (++streak >= 512) {
                streak = 0
                setImmediate(pull)
              } else pull()
            }, fail)
          } catch (e) {
            fail(e)
          }
        }
        /** the consumer took `ready`: a sealed window moves up and the pump and timer restart */
        const unseal = (): void => {
          if (!sealed) return
          sealed = false
          ready = current
          current = []
          if (held !== undefined) {
            current.push(held.value)
            held = undefined
          }
          if (!srcDone && !stopped) {
            startTimer()
            pull()
          }
        }
        stopping.addEventListener('abort', onAbort, { once: true })
        try {
          startTimer()
          pull()
          for (;;) {
            signal?.throwIfAborted()
            if (ready !== undefined) {
              const w = ready
              ready = undefined
              unseal()
              yield w
              continue
            }
            if (srcDone) {
              timer.abort()
              if (current.length > 0) {
                const w = current
                current = []
                yield w
              }
              if (failure !== undefined) throw failure.error
              return
            }
            await new Promise<void>((resolve) => (wake = resolve))
          }
        } finally {
          stopping.removeEventListener('abort', onAbort)
          stop()
        }
      }, signal),
    ),
  )
}
