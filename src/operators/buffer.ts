import type { Stage } from '../pipe/types.js'
import { checkInteger } from '../internal/check.js'
import { closeAll } from '../internal/close-all.js'
import { Queue } from '../internal/queue.js'
import { interruptible } from '../internal/interruptible.js'
import { describeStage } from '../internal/describe.js'

/**
 * Let up to `n` elements pile up here while downstream is busy (Streamz `buffer`): from the
 * first `next()` on, the source is read ahead into a queue of at most `n` elements, so a
 * slow consumer and a slow source work at the same time. A source error reaches the consumer
 * after the elements read before it; the output ends after the source ends and the queue is
 * drained; `break` drops the queue and closes the source at once, even with a read in flight.
 * @param n - how many elements may wait, a positive integer or Infinity
 * @example
 * ```ts
 * // fetch the next pages while the current one is being processed
 * await pipe(pages(), buffer(4), sink(processPage))
 * ```
 */
export function buffer<T>(n: number): Stage<T, T> {
  checkInteger('buffer', 'n', n, 1, true)
  return describeStage(
    `buffer(${n})`,
    (source) =>
      interruptible(async function* bufferStage(_stop, track) {
        const it = track(source)[Symbol.asyncIterator]()
        const queue = new Queue<T>()
        let srcDone = false
        let stopped = false
        let pulling = false
        let failure: { error: unknown } | undefined
        let wake: (() => void) | undefined
        const notify = (): void => {
          const w = wake
          wake = undefined
          w?.()
        }
        const fail = (error: unknown): void => {
          pulling = false
          srcDone = true
          failure = { error }
          notify()
        }
        const pump = (): void => {
          if (stopped || srcDone || pulling || queue.length >= n) return
          pulling = true
          try {
            it.next().then((r) => {
              pulling = false
              if (stopped) return
              if (r.done === true) srcDone = true
              else queue.push(r.value)
              notify()
              pump()
            }, fail)
          } catch (e) {
            fail(e)
          }
        }
        try {
          for (;;) {
            pump()
            if (queue.length > 0) {
              const x = queue.shift()
              pump() // refill the slot just freed while the consumer works on x
              yield x
              continue
            }
            if (srcDone) {
              if (failure !== undefined) throw failure.error
              return
            }
            await new Promise<void>((resolve) => (wake = resolve))
          }
        } finally {
          stopped = true
          queue.clear()
          if (!srcDone) closeAll([it])
        }
      }),
    { buffers: true },
  )
}
