import { Flow, isSyncOnly, type Step } from '../pipe/flow.js'
import type { Source } from '../pipe/types.js'
import { abortable } from '../internal/abort.js'
import { checkIterable, checkObject, checkSignal } from '../internal/check.js'

/**
 * A source over any sync or async iterable (Streamz `from_iterable`). Lazy: nothing is
 * read before the first `next()`. Ends with the iterable; `break` calls its `return()`;
 * aborting `signal` rejects with `signal.reason` and closes it.
 * @param iterable - an array, Set, generator or AsyncIterable
 * @param options - `{ signal }`
 * @example
 * ```ts
 * await pipe(fromIterable([1, 2, 3]), map((x) => x * 2), toArray()) // [2, 4, 6]
 * ```
 */
export function fromIterable<T>(iterable: Source<T>, options: { signal?: AbortSignal } = {}): AsyncIterable<T> {
  checkIterable('fromIterable', 'iterable', iterable)
  checkObject('fromIterable', 'options', options)
  const { signal } = options
  checkSignal('fromIterable', signal)
  if (signal === undefined) return isSyncOnly(iterable) ? new Flow<T>(iterable, []) : iterable
  if (!isSyncOnly(iterable)) return abortable(iterable, signal)
  // a sync iterable never waits: checking the signal at each element is enough
  return new Flow<T>(iterable, [
    {
      name: 'signal',
      op: (down: Step<T>): Step<T> => ({
        push(x) {
          signal.throwIfAborted()
          return down.push(x)
        },
        end() {
          signal.throwIfAborted()
          return down.end()
        },
      }),
    },
  ])
}
