import type { Sink } from '../pipe/types.js'
import { drive, isPromiseLike } from '../pipe/flow.js'
import { checkFunction } from '../internal/check.js'
import { describe, nameOf } from '../internal/describe.js'

const noop = (): void => undefined

/**
 * Call `f` on every element; the Promise resolves when the source ends (Streamz `sink`).
 * `f` may be async: the next element is taken once its promise settles, which is the back
 * pressure. An error from `f` or the source rejects the Promise and closes the source.
 * @param f - the side effect, sync or async
 * @example
 * ```ts
 * await pipe([1, 2, 3], map((x) => x + 1), sink(console.log)) // prints 2, 3, 4
 * ```
 */
export function sink<T>(f: (x: T) => unknown): Sink<T> {
  checkFunction('sink', 'f', f)
  return (source) =>
    describe(
      drive(source, {
        push(x) {
          const r = f(x)
          if (isPromiseLike(r)) return r.then(noop)
        },
        end: noop,
      }),
      { name: `sink(${nameOf(f)})`, kind: 'sink', upstream: [source] },
    )
}
