/**
 * Argument checks shared by every factory: they throw at construction, naming the
 * operator, the argument and the value.
 * @internal
 */

/** A short, readable rendering of a bad argument for an error message. */
export function show(x: unknown): string {
  return typeof x === 'string'
    ? JSON.stringify(x)
    : typeof x === 'function'
      ? `function ${x.name || '(anonymous)'}`
      : Array.isArray(x)
        ? `an array of length ${x.length}`
        : x !== null && typeof x === 'object'
          ? Object.prototype.toString.call(x)
          : String(x)
}

export function checkFunction(op: string, arg: string, value: unknown): void {
  if (typeof value !== 'function') throw new TypeError(`${op}: ${arg} must be a function, got ${show(value)}`)
}

/** An integer ≥ `min` (0 or 1), or Infinity when `allowInfinity`. */
export function checkInteger(op: string, arg: string, value: unknown, min: 0 | 1, allowInfinity = false): void {
  if (typeof value !== 'number') throw new TypeError(`${op}: ${arg} must be a number, got ${show(value)}`)
  if (!(Number.isInteger(value) || (allowInfinity && value === Infinity)) || value < min)
    throw new RangeError(
      `${op}: ${arg} must be a ${min ? 'positive' : 'non-negative'} integer${allowInfinity ? ' or Infinity' : ''}, got ${show(value)}`,
    )
}

export function checkObject(op: string, arg: string, value: unknown): void {
  if (value !== undefined && (value === null || typeof value !== 'object'))
    throw new TypeError(`${op}: ${arg} must be an options object, got ${show(value)}`)
}

export function checkIterable(op: string, arg: string, value: unknown): void {
  if (
    value === null ||
    value === undefined ||
    (typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] !== 'function' &&
      typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function')
  )
    throw new TypeError(`${op}: ${arg} must be an AsyncIterable or Iterable, got ${show(value)}`)
}

export function checkSignal(op: string, value: unknown): void {
  if (value !== undefined && !(value instanceof AbortSignal))
    throw new TypeError(`${op}: signal must be an AbortSignal, got ${show(value)}`)
}
