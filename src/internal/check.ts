/**
 * Argument checks shared by every factory: they throw at construction, naming the
 * operator, the argument and the value.
 * @internal
 */

/** A short, readable rendering of a bad argument for an error message. */
export function show(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x)
  if (typeof x === 'function') return `function ${x.name || '(anonymous)'}`
  if (typeof x === 'bigint') return `${x}n`
  if (typeof x === 'symbol') return x.toString()
  if (Array.isArray(x)) return `array of length ${x.length}`
  if (x !== null && typeof x === 'object') return Object.prototype.toString.call(x)
  return String(x)
}

export function checkFunction(op: string, arg: string, value: unknown): void {
  if (typeof value !== 'function') throw new TypeError(`${op}: ${arg} must be a function, got ${show(value)}`)
}

/** An integer ≥ `min` (Infinity allowed when `allowInfinity`). */
export function checkInteger(op: string, arg: string, value: unknown, min: number, allowInfinity = false): void {
  if (typeof value !== 'number') throw new TypeError(`${op}: ${arg} must be a number, got ${show(value)}`)
  if (!(Number.isInteger(value) || (allowInfinity && value === Infinity)) || value < min) {
    const what = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`
    throw new RangeError(`${op}: ${arg} must be ${what}${allowInfinity ? ' or Infinity' : ''}, got ${show(value)}`)
  }
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
