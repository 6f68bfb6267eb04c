/**
 * Argument checks shared by every factory: they throw at construction, naming the
 * operator, the argument and the value. (Kept terse: they are in every bundle.)
 * @internal
 */
import { AI } from '../pipe/flow.js'

/** A short, readable rendering of a bad argument for an error message. */
export function show(x: unknown): string {
  return typeof x === 'string'
    ? JSON.stringify(x)
    : typeof x === 'function'
      ? `function ${x.name || '(anonymous)'}`
      : x !== null && typeof x === 'object'
        ? Array.isArray(x)
          ? `an array of length ${x.length}`
          : {}.toString.call(x)
        : String(x)
}

/** Throw `new Kind('<op>: <arg> must be <what>, got <value>')`. */
export function fail(
  Kind: new (message: string) => Error,
  op: string,
  arg: string,
  what: string,
  value: unknown,
): never {
  throw new Kind(`${op}: ${arg} must be ${what}, got ${show(value)}`)
}

export function checkFunction(op: string, arg: string, value: unknown): void {
  if (typeof value !== 'function') fail(TypeError, op, arg, 'a function', value)
}

/** An integer ≥ `min` (0 or 1), or Infinity when `allowInfinity`. */
export function checkInteger(op: string, arg: string, value: unknown, min: 0 | 1, allowInfinity = false): void {
  if (typeof value !== 'number') fail(TypeError, op, arg, 'a number', value)
  if (!(Number.isInteger(value) || (allowInfinity && value === Infinity)) || value < min)
    fail(
      RangeError,
      op,
      arg,
      `a ${min ? 'positive' : 'non-negative'} integer${allowInfinity ? ' or Infinity' : ''}`,
      value,
    )
}

export function checkObject(op: string, arg: string, value: unknown): void {
  if (value !== undefined && (value === null || typeof value !== 'object'))
    fail(TypeError, op, arg, 'an options object', value)
}

export function checkIterable(op: string, arg: string, value: unknown): void {
  if (
    value === null ||
    value === undefined ||
    (typeof (value as Partial<AsyncIterable<unknown>>)[AI] !== 'function' &&
      typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function')
  )
    fail(TypeError, op, arg, 'an AsyncIterable or Iterable', value)
}

export function checkSignal(op: string, value: unknown): void {
  if (value !== undefined && !(value instanceof AbortSignal)) fail(TypeError, op, 'signal', 'an AbortSignal', value)
}
