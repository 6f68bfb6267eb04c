import type { Stage } from '../pipe/types.js'
import { fuse } from '../pipe/flow.js'

/**
 * Count how often each element has been seen and emit the running counts (Streamz
 * `frequencies`) as a new `Map` after every element: a Map emitted earlier is never
 * changed afterwards, as Streamz emits a fresh dict each time (keeping every emitted Map
 * costs O(distinct elements) each). Elements are compared as Map keys are (SameValueZero:
 * objects by identity); map them to a string or number first to count by value. Ends with
 * the source; errors propagate; `break` closes the source.
 * @example
 * ```ts
 * const counts = await pipe(['a', 'b', 'a'], frequencies(), toArray())
 * // [Map { a: 1 }, Map { a: 1, b: 1 }, Map { a: 2, b: 1 }]
 * ```
 */
export function frequencies<T>(): Stage<T, Map<T, number>> {
  return fuse<T, Map<T, number>>('frequencies', (down) => {
    const counts = new Map<T, number>()
    return {
      push(x) {
        counts.set(x, (counts.get(x) ?? 0) + 1)
        return down.push(new Map(counts))
      },
      end: () => down.end(),
    }
  })
}
