import type { Stage } from '../pipe/types.js'
import { fuse, isPromiseLike, type CountingOp, type PushResult } from '../pipe/flow.js'
import { checkFunction } from '../internal/check.js'

/**
 * Keep the elements for which `pred` is true (Streamz `filter`). `pred` may be async; a
 * type-guard predicate narrows the element type. Ends with the source; errors propagate;
 * `break` closes the source.
 * @param pred - a predicate, sync or async, or a type guard
 * @example
 * ```ts
 * await pipe([1, 2, 3, 4], filter((x) => x % 2 === 0), toArray()) // [2, 4]
 * ```
 */
export function filter<A, B extends A>(pred: (x: A) => x is B): Stage<A, B>
export function filter<A>(pred: (x: A) => boolean | PromiseLike<boolean>): Stage<A, A>
export function filter<A>(pred: (x: A) => boolean | PromiseLike<boolean>): Stage<A, A> {
  checkFunction('filter', 'pred', pred)
  const op: CountingOp<A, A> = (down) => ({
    push(x) {
      const ok = pred(x)
      if (ok === true) return down.push(x)
      if (isPromiseLike(ok)) return ok.then((v) => (v ? down.push(x) : undefined))
      return ok ? down.push(x) : undefined
    },
    end: () => down.end(),
  })
  // for instrument(): counts what it lets through, so no counting step sits behind it
  op.counting = (down, c) => {
    // the rare cases apart, so that the common one stays small enough for V8 to inline it whole
    const other = (x: A, ok: unknown): PushResult => {
      if (isPromiseLike(ok))
        return ok.then((v) => {
          if (!v) return undefined
          c.out++
          return down.push(x)
        })
      if (!ok) return undefined
      c.out++
      return down.push(x)
    }
    return {
      push(x) {
        const ok = pred(x)
        if (ok === true) {
          c.out++
          return down.push(x)
        }
        return ok === false ? undefined : other(x, ok)
      },
      end: () => down.end(),
    }
  }
  return fuse<A, A>(`filter(${pred.name || 'fn'})`, op)
}
