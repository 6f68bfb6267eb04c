import type { Sink } from '../pipe/types.js'
import { drive } from '../pipe/flow.js'
import { describe } from '../internal/describe.js'

/**
 * Collect every element into an array, resolved when the source ends (Streamz
 * `sink_to_list`). Errors reject the Promise. Use it on finite streams.
 * @example
 * ```ts
 * await pipe([1, 2, 3], map((x) => x * x), toArray()) // [1, 4, 9]
 * ```
 */
export function toArray<T>(): Sink<T, T[]> {
  const run = async (source: AsyncIterable<T>): Promise<T[]> => {
    const out: T[] = []
    await drive(source, {
      push(x) {
        out.push(x)
      },
      end() {},
    })
    return out
  }
  return (source) => describe(run(source), { name: 'toArray', kind: 'sink', upstream: [source] })
}
