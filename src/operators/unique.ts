import type { Stage } from '../pipe/types.js'
import { fuse } from '../pipe/flow.js'
import { checkInteger, checkObject } from '../internal/check.js'
import { keyFunction, type KeyName } from './pluck.js'

/** Options for {@link unique}. */
export interface UniqueOptions<T> {
  /** Remember only the last `maxsize` distinct keys (an LRU): a key forgotten can pass again. Default: remember all. */
  maxsize?: number
  /** What to compare: a function of the element, or a property name read from it. Default: the element itself. */
  key?: ((x: T) => unknown) | KeyName
}

/**
 * Drop elements whose key has been seen before (Streamz `unique`). With `maxsize`, only the
 * last `maxsize` distinct keys are remembered, least recently seen forgotten first; seeing a
 * remembered key again (even when it is dropped) makes it the most recent, as in Streamz.
 * Keys are compared as Map keys are (SameValueZero: objects by identity), so use `key` to
 * compare objects by value. Without `maxsize` every distinct key is kept for the life of
 * the iteration. Ends with the source; an error from the source or `key` reaches the
 * consumer; `break` closes the source.
 * @param options - `{ maxsize, key }`; `maxsize` a positive integer
 * @example
 * ```ts
 * await pipe([1, 1, 2, 2, 2, 1, 3], unique({ maxsize: 1 }), toArray()) // [1, 2, 1, 3]
 * await pipe([{ id: 1 }, { id: 2 }, { id: 1 }], unique({ key: 'id' }), toArray()) // [{ id: 1 }, { id: 2 }]
 * ```
 */
export function unique<T>(options: UniqueOptions<T> = {}): Stage<T, T> {
  checkObject('unique', 'options', options)
  const { maxsize = Infinity, key } = options
  checkInteger('unique', 'maxsize', maxsize, 1, true)
  const keyOf = key === undefined ? undefined : keyFunction<T>('unique', key)
  if (maxsize === Infinity)
    return fuse<T, T>('unique', (down) => {
      const seen = new Set<unknown>()
      return {
        push(x) {
          const k = keyOf === undefined ? x : keyOf(x)
          if (seen.has(k)) return
          seen.add(k)
          return down.push(x)
        },
        end: () => down.end(),
      }
    })
  return fuse<T, T>(`unique(maxsize ${maxsize})`, (down) => {
    // a Map keeps insertion order: delete + set moves a key to the most recent end
    const seen = new Map<unknown, true>()
    return {
      push(x) {
        const k = keyOf === undefined ? x : keyOf(x)
        if (seen.delete(k)) {
          seen.set(k, true)
          return
        }
        seen.set(k, true)
        if (seen.size > maxsize) seen.delete(seen.keys().next().value)
        return down.push(x)
      },
      end: () => down.end(),
    }
  })
}
