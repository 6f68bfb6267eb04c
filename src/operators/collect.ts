import type { Stage } from '../pipe/types.js'
import { checkIterable } from '../internal/check.js'
import { closeAll } from '../internal/close-all.js'
import { interruptible } from '../internal/interruptible.js'
import { toAsync } from '../pipe/flow.js'
import { describeStage } from '../internal/describe.js'

type Pulled<T> = { which: 0 | 1; ok: true; r: IteratorResult<T> } | { which: 0 | 1; ok: false; error: unknown }

function pullFrom<T>(it: AsyncIterator<T>, which: 0 | 1): Promise<Pulled<T>> {
  try {
    return it.next().then(
      (r): Pulled<T> => ({ which, ok: true, r }),
      (error: unknown): Pulled<T> => ({ which, ok: false, error }),
    )
  } catch (error) {
    return Promise.resolve({ which, ok: false, error })
  }
}

/**
 * Hold the elements of the source and emit them as one array each time `flushes` yields
 * (Streamz `collect` with `flush`), then start afresh; a flush with nothing held emits `[]`,
 * as Streamz emits an empty tuple. Both iterables are read as fast as they deliver. Only a
 * flush emits: when the source ends, what is held waits for the next flush, which is
 * emitted and ends the output (with nothing held, the output ends at once). When `flushes`
 * ends, the output ends too and the source is closed: elements collected since the last
 * flush are not emitted. An error from either iterable reaches the consumer (after the
 * arrays before it) and closes the other; `break` closes both.
 * @param flushes - an AsyncIterable or Iterable whose every element triggers a flush; its values are ignored
 * @example
 * ```ts
 * const ticks = periodic(() => 0, 1000)
 * await pipe(events, collect(ticks), sink((batch) => console.log(batch.length))) // one batch a second
 * ```
 */
export function collect<T>(flushes: AsyncIterable<unknown> | Iterable<unknown>): Stage<T, T[]> {
  checkIterable('collect', 'flushes', flushes)
  return describeStage('collect', (source) =>
    interruptible(async function* collectStage(_stop, track) {
      const src = track(source)[Symbol.asyncIterator]()
      let flu: AsyncIterator<unknown> | undefined
      let srcOpen = true
      let fluOpen = true
      try {
        flu = track(toAsync(flushes))[Symbol.asyncIterator]()
        let held: T[] = []
        let srcPull: Promise<Pulled<T>> | undefined
        let fluPull: Promise<Pulled<unknown>> | undefined
        for (;;) {
          if (srcOpen) srcPull ??= pullFrom(src, 0)
          fluPull ??= pullFrom(flu, 1)
          const ev: Pulled<unknown> = srcOpen
            ? await Promise.race([srcPull as Promise<Pulled<T>>, fluPull])
            : await fluPull
          if (ev.which === 0) srcPull = undefined
          else fluPull = undefined
          if (!ev.ok) {
            if (ev.which === 0) srcOpen = false
            else fluOpen = false
            throw ev.error
          }
          if (ev.which === 0) {
            if (ev.r.done === true) {
              srcOpen = false
              if (held.length === 0) return
            } else held.push(ev.r.value as T)
            continue
          }
          if (ev.r.done === true) {
            fluOpen = false
            return
          }
          const out = held
          held = []
          yield out
          if (!srcOpen) return
        }
      } finally {
        closeAll([srcOpen ? src : undefined, fluOpen ? flu : undefined])
      }
    }),
  )
}
