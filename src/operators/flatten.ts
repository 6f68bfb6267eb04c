import { flattenAcks } from '../internal/ack.js'
import type { Stage } from '../pipe/types.js'
import { show } from '../internal/check.js'
import { closeAll } from '../internal/close-all.js'
import { interruptible } from '../internal/interruptible.js'
import { describeStage } from '../internal/describe.js'

/**
 * Emit the elements of each element in turn (Streamz `flatten`): arrays, Sets, sync and
 * async generators, any sync or async iterable. Each inner iterable is read lazily, one
 * element per request, so it may be huge or endless. A string is iterable, so, as in
 * Python, a string element is flattened into its characters (code points); an element that
 * is not iterable raises a TypeError. Ends after the last inner iterable of the source; an
 * error from the source or an inner iterable reaches the consumer after the elements before
 * it; `break` closes both the current inner iterator and the source.
 * @example
 * ```ts
 * await pipe([[1, 2, 3], [4, 5], new Set([6])], flatten(), toArray()) // [1, 2, 3, 4, 5, 6]
 * ```
 */
export function flatten<T>(): Stage<Iterable<T> | AsyncIterable<T>, T> {
  return describeStage(
    'flatten',
    flattenAcks((source: AsyncIterable<Iterable<T> | AsyncIterable<T>>) =>
      interruptible(async function* flattenStage(stop, track) {
        let current: AsyncIterator<T> | undefined // the inner async iterator being read
        stop.addEventListener('abort', () => closeAll([current]), { once: true })
        for await (const inner of track(source)) {
          if (inner !== null && inner !== undefined) {
            if (typeof (inner as Partial<AsyncIterable<T>>)[Symbol.asyncIterator] === 'function') {
              const opened = {
                [Symbol.asyncIterator]: () => (current = (inner as AsyncIterable<T>)[Symbol.asyncIterator]()),
              }
              for await (const y of opened) yield y
              current = undefined
              continue
            }
            if (typeof (inner as Partial<Iterable<T>>)[Symbol.iterator] === 'function') {
              for (const y of inner as Iterable<T>) yield y
              continue
            }
          }
          throw new TypeError(`flatten: each element must be an Iterable or AsyncIterable, got ${show(inner)}`)
        }
      }),
    ),
  )
}
