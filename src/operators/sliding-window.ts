import type { Stage } from '../pipe/types.js'
import { fuse } from '../pipe/flow.js'
import { checkInteger, checkObject } from '../internal/check.js'

/** Options for {@link slidingWindow}. */
export interface SlidingWindowOptions {
  /** Emit the growing windows before the first full one (default true). */
  returnPartial?: boolean
}

/**
 * Emit the last `n` elements as overlapping windows (Streamz `sliding_window`), oldest
 * first: one new array per element, never reused. With `returnPartial: false`, nothing is
 * emitted until `n` elements have arrived. Ends with the source (no extra window at the
 * end); errors propagate; `break` closes the source.
 * @param n - the window length, a positive integer
 * @param options - `{ returnPartial }` (default true)
 * @example
 * ```ts
 * await pipe([0, 1, 2, 3], slidingWindow(3), toArray()) // [[0], [0, 1], [0, 1, 2], [1, 2, 3]]
 * await pipe([0, 1, 2, 3], slidingWindow(3, { returnPartial: false }), toArray()) // [[0, 1, 2], [1, 2, 3]]
 * ```
 */
export function slidingWindow<T>(n: number, options: SlidingWindowOptions = {}): Stage<T, T[]> {
  checkInteger('slidingWindow', 'n', n, 1)
  checkObject('slidingWindow', 'options', options)
  const { returnPartial = true } = options
  return fuse<T, T[]>(`slidingWindow(${n})`, (down) => {
    // a ring of n slots: `start` is the oldest element once the ring is full
    const ring = new Array<T>(n)
    let size = 0
    let start = 0
    return {
      push(x) {
        if (size < n) {
          ring[size++] = x
          if (!returnPartial && size < n) return
          return down.push(ring.slice(0, size))
        }
        ring[start] = x
        start = start + 1 === n ? 0 : start + 1
        const out = new Array<T>(n)
        for (let i = 0, j = start; i < n; i++) {
          out[i] = ring[j] as T
          if (++j === n) j = 0
        }
        return down.push(out)
      },
      end: () => down.end(),
    }
  })
}
