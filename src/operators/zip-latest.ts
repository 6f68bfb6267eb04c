import type { Source } from '../pipe/types.js'
import { checkIterable } from '../internal/check.js'
import { Latest } from './combine-latest.js'
import type { SourceTuple } from './merge.js'
import { describe } from '../internal/describe.js'

/**
 * Emit one tuple per element of `lossless`, paired with the latest element of each other
 * source (Streamz `zip_latest`). No element of `lossless` is lost: one that arrives before
 * every other source has yielded waits (and `lossless` is not read further meanwhile) until
 * they all have, then is emitted. The other sources are read concurrently and only update
 * the latest values. Ends when `lossless` ends, after its last tuple, and closes the others
 * (or at once if another source ends without ever yielding); an error in any source reaches
 * the consumer at once and closes the others; `break` closes every source.
 * @param lossless - the source that drives the output, async or sync
 * @param others - the sources whose latest values are attached
 * @example
 * ```ts
 * // every reading, tagged with the calibration in force when it was read
 * for await (const [reading, calibration] of zipLatest(readings, calibrations)) {
 *   console.log(reading * calibration.gain)
 * }
 * ```
 */
export function zipLatest<A, T extends unknown[]>(
  lossless: Source<A>,
  ...others: SourceTuple<T>
): AsyncIterable<[A, ...T]> {
  checkIterable('zipLatest', 'lossless', lossless)
  for (let i = 0; i < others.length; i++) checkIterable('zipLatest', `source ${i + 1}`, others[i])
  const sources = [lossless, ...(others as readonly Source<unknown>[])] as readonly Source<unknown>[]
  return describe(
    new Latest<[A, ...T]>(
      sources,
      sources.map((_, i) => i === 0),
      true,
    ),
    { name: 'zipLatest', kind: 'join', upstream: sources },
  )
}
