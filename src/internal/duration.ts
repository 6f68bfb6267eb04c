import { show } from './check.js'

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }
const PATTERN = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s|m|h|d|w)?\s*$/i

/**
 * Milliseconds from a number of ms or a duration string; throws naming `op` and `arg`.
 * @internal
 */
export function toMs(op: string, arg: string, value: unknown): number {
  if (typeof value === 'number') {
    if (Number.isNaN(value) || value < 0)
      throw new RangeError(`${op}: ${arg} must be a non-negative duration, got ${show(value)}`)
    return value
  }
  if (typeof value === 'string') {
    const m = PATTERN.exec(value)
    if (m === null)
      throw new RangeError(
        `${op}: ${arg} must be a duration like 500, '500ms', '2s', '1m', '2h' or '1d', got ${show(value)}`,
      )
    return Number(m[1]) * (UNITS[(m[2] ?? 'ms').toLowerCase()] as number)
  }
  throw new TypeError(`${op}: ${arg} must be a number of milliseconds or a duration string, got ${show(value)}`)
}
