import type { Stage } from '../pipe/types.js'
import { fuse, isPromiseLike } from '../pipe/flow.js'
import { checkFunction, show } from '../internal/check.js'

/**
 * Call `f` with each element spread as its arguments (Streamz `starmap`, like
 * `itertools.starmap`): `[a, b]` becomes `f(a, b)`. `f` may be async: its promise is
 * awaited. An element that is not iterable raises a TypeError; errors from `f` or the
 * source reach the consumer after the results before them; ends with the source; `break`
 * closes the source.
 * @param f - the function to call, sync or async
 * @example
 * ```ts
 * await pipe([[1, 2], [3, 4]] as [number, number][], starmap((a, b) => a + b), toArray()) // [3, 7]
 * ```
 */
export function starmap<A extends readonly unknown[], B>(f: (...args: A) => B | PromiseLike<B>): Stage<A, B> {
  checkFunction('starmap', 'f', f)
  return fuse<A, B>(`starmap(${f.name || 'fn'})`, (down) => ({
    push(x) {
      let y: B | PromiseLike<B>
      if (Array.isArray(x)) y = f(...(x as unknown as A))
      else if (
        x !== null &&
        x !== undefined &&
        typeof (x as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function'
      )
        y = f(...([...(x as Iterable<unknown>)] as unknown as A))
      else throw new TypeError(`starmap: each element must be an array or iterable to spread into f, got ${show(x)}`)
      return isPromiseLike(y) ? y.then((v) => down.push(v)) : down.push(y)
    },
    end: () => down.end(),
  }))
}
