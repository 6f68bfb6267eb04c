import { toMs } from '../internal/duration.js'

/**
 * Milliseconds from a number of ms or a duration string: `'500ms'`, `'2s'`, `'1m'`, `'2h'`,
 * `'1d'`, `'1w'`, decimals allowed (`'1.5s'`). Every time argument in streamz-ts goes
 * through it. Throws a RangeError for a negative or unparseable value, a TypeError for
 * anything that is not a number or string.
 * @param value - a number of milliseconds or a duration string
 * @example
 * ```ts
 * parseDuration('2h') // 7200000
 * parseDuration(250) // 250
 * ```
 */
export function parseDuration(value: number | string): number {
  return toMs('parseDuration', 'value', value)
}
