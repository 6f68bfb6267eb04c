import type { Stage } from '../pipe/types.js'
import { DONE, fuse, isPromiseLike, type PushResult, type Step } from '../pipe/flow.js'
import { checkInteger } from '../internal/check.js'

/** Call `down.end()` once `r` has settled, unless downstream already said DONE; then report DONE. */
function endAfter(down: Step<unknown>, r: PushResult): PushResult {
  if (r === DONE) return DONE
  const finish = (v: void | typeof DONE): PushResult => {
    if (v === DONE) return DONE
    const e = down.end()
    return isPromiseLike(e) ? e.then(() => DONE) : DONE
  }
  return isPromiseLike(r) ? r.then(finish) : finish(r)
}

function checkPosition(arg: string, value: unknown, allowInfinity: boolean): void {
  if (typeof value === 'number' && value < 0)
    throw new RangeError(
      `slice: ${arg} must be a non-negative integer (a stream has no known length, so negative positions are not supported), got ${value}`,
    )
  checkInteger('slice', arg, value, 0, allowInfinity)
}

/**
 * Keep the elements at positions `start, start + step, start + 2·step, …` below `end`, as
 * Python's `list[start:end:step]` does (Streamz `slice`, without Streamz 0.6.4's quirk of
 * keeping positions where `i % step == 0`). Positions count from 0. Once the last position
 * that can be kept has gone by, the output ends and the source is closed without being pulled
 * again (with `end <= start`, after the first element). Errors propagate; `break` closes the source.
 * @param start - the first position kept (default 0)
 * @param end - the position to stop before (default: never stop); a non-negative integer or Infinity
 * @param step - keep every `step`-th position from `start` (default 1)
 * @example
 * ```ts
 * await pipe([0, 1, 2, 3, 4, 5, 6, 7], slice(1, 7, 3), toArray()) // [1, 4]
 * await pipe(endlessSource, slice(0, 10), toArray()) // the first 10 elements; the source is closed
 * ```
 */
export function slice<T>(start = 0, end = Infinity, step = 1): Stage<T, T> {
  checkPosition('start', start, false)
  checkPosition('end', end, true)
  checkInteger('slice', 'step', step, 1)
  return fuse<T, T>(`slice(${start}, ${end}, ${step})`, (down) => {
    // the last position that can be kept: once it has gone by, nothing more can pass
    const last = end <= start ? 0 : end === Infinity ? Infinity : start + Math.floor((end - 1 - start) / step) * step
    let i = 0
    let ended = false
    return {
      push(x) {
        const pos = i++
        const r = pos >= start && pos < end && (pos - start) % step === 0 ? down.push(x) : undefined
        if (pos < last) return r
        ended = true
        return endAfter(down, r)
      },
      end: () => (ended ? undefined : down.end()),
    }
  })
}
