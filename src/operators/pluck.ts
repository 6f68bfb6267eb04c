import type { Stage } from '../pipe/types.js'
import { fuse } from '../pipe/flow.js'
import { show } from '../internal/check.js'

/**
 * A property name or array index, as `pluck`, `partition` and `unique` accept in place of a
 * key function.
 * @example
 * ```ts
 * const key: KeyName = 'user'
 * await pipe([{ user: 'a' }, { user: 'a' }, { user: 'b' }], unique({ key }), toArray()) // [{ user: 'a' }, { user: 'b' }]
 * ```
 */
export type KeyName = string | number | symbol

/**
 * Read `x[key]`, throwing as Streamz does (KeyError/IndexError) when `x` has no such key.
 * @internal
 */
export function pick(op: string, x: unknown, key: KeyName): unknown {
  if (x === null || x === undefined) throw new TypeError(`${op}: cannot read key ${show(key)} of ${String(x)}`)
  const obj = Object(x) as Record<KeyName, unknown>
  if (!(key in obj)) {
    if (Array.isArray(x) && typeof key === 'number')
      throw new RangeError(`${op}: index ${key} is out of range for an array of length ${x.length}`)
    throw new RangeError(`${op}: element has no key ${show(key)}`)
  }
  return obj[key]
}

/**
 * Turn a `key` option (a function or a property name) into a function.
 * @internal
 */
export function keyFunction<T>(op: string, key: ((x: T) => unknown) | KeyName): (x: T) => unknown {
  if (typeof key === 'function') return key
  if (typeof key === 'string' || typeof key === 'number' || typeof key === 'symbol') return (x) => pick(op, x, key)
  throw new TypeError(`${op}: key must be a function or a property name, got ${show(key)}`)
}

function checkKey(key: unknown): void {
  if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'symbol')
    throw new TypeError(`pluck: key must be a property name or index, got ${show(key)}`)
}

/**
 * Pick a property or index from each element (Streamz `pluck`); given an array of keys,
 * emit an array of the picked values. An element without the key raises a RangeError
 * naming the key (as Streamz raises KeyError/IndexError), which reaches the consumer and
 * closes the source; ends with the source; `break` closes the source.
 * @param key - a property name or array index, or an array of them
 * @example
 * ```ts
 * await pipe([{ name: 'Alice', x: 1 }, { name: 'Bob', x: 2 }], pluck('name'), toArray()) // ['Alice', 'Bob']
 * await pipe([[1, 2, 3, 4], [5, 6, 7, 8]], pluck([0, 3]), toArray()) // [[1, 4], [5, 8]]
 * ```
 */
export function pluck<T, const K extends readonly (keyof T)[]>(key: K): Stage<T, { -readonly [I in keyof K]: T[K[I]] }>
export function pluck<T, K extends keyof T>(key: K): Stage<T, T[K]>
export function pluck(key: KeyName | readonly KeyName[]): Stage<unknown, unknown> {
  if (Array.isArray(key)) {
    const keys = [...(key as readonly KeyName[])]
    keys.forEach(checkKey)
    return fuse(`pluck([${keys.map(show).join(', ')}])`, (down) => ({
      push(x) {
        const out = new Array<unknown>(keys.length)
        for (let i = 0; i < keys.length; i++) out[i] = pick('pluck', x, keys[i] as KeyName)
        return down.push(out)
      },
      end: () => down.end(),
    }))
  }
  checkKey(key)
  const k = key as KeyName
  return fuse(`pluck(${show(k)})`, (down) => ({
    push: (x) => down.push(pick('pluck', x, k)),
    end: () => down.end(),
  }))
}
