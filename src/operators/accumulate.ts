import type { Stage } from '../pipe/types.js'
import { fuse, isPromiseLike, type PushResult } from '../pipe/flow.js'
import { checkFunction, checkObject, show } from '../internal/check.js'

/** Options for {@link accumulate}. */
export interface AccumulateOptions<S> {
  /** The initial state. Without it the first element is the state, and it is emitted as is. */
  start?: S
  /** `f` returns `[newState, toEmit]` instead of the new state. */
  returnsState?: boolean
}

/**
 * Fold each element into a running state and emit it (Streamz `accumulate`): a running
 * total, a count, any state machine. `f` may be async. Ends with the source; errors
 * propagate; `break` closes the source. The state lives per iteration, so a pipeline run
 * twice starts afresh.
 * @param f - `(state, x) => newState`, or `(state, x) => [newState, emitted]` with `returnsState`
 *
 * Options (second argument): `start`, the initial state; `returnsState`, when `f` returns
 * `[newState, emitted]`.
 * @example
 * ```ts
 * await pipe([1, 2, 3, 4], accumulate((acc, x) => acc + x), toArray()) // [1, 3, 6, 10]
 * await pipe(['a', 'b'], accumulate((n: number) => n + 1, { start: 0 }), toArray()) // [1, 2]
 * ```
 */
export function accumulate<T>(f: (state: T, x: T) => T | PromiseLike<T>): Stage<T, T>
export function accumulate<S, A>(
  f: (state: S, x: A) => S | PromiseLike<S>,
  options: { start: S; returnsState?: false },
): Stage<A, S>
export function accumulate<S, A, B>(
  f: (state: S, x: A) => readonly [S, B] | PromiseLike<readonly [S, B]>,
  options: { start: S; returnsState: true },
): Stage<A, B>
export function accumulate(
  f: (state: unknown, x: unknown) => unknown,
  options: AccumulateOptions<unknown> = {},
): Stage<unknown, unknown> {
  checkFunction('accumulate', 'f', f)
  checkObject('accumulate', 'options', options)
  const hasStart = 'start' in options
  const { start, returnsState = false } = options
  return fuse(`accumulate(${f.name || 'fn'})`, (down) => {
    let state = start
    let started = hasStart
    const emit = (r: unknown): PushResult => {
      if (returnsState) {
        if (!Array.isArray(r) || r.length !== 2)
          throw new TypeError(`accumulate: with returnsState, f must return [state, emitted], got ${show(r)}`)
        state = r[0]
        return down.push(r[1])
      }
      state = r
      return down.push(r)
    }
    return {
      push(x) {
        if (!started) {
          started = true
          state = x
          return down.push(x)
        }
        const r = f(state, x)
        return isPromiseLike(r) ? r.then(emit) : emit(r)
      },
      end: () => down.end(),
    }
  })
}
