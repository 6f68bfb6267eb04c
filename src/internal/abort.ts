import { closeAll } from './close-all.js'

/**
 * Wrap an async iterable so that aborting `signal` rejects the pending and every later
 * `next()` with `signal.reason` and closes the wrapped iterator.
 * @internal
 */
export function abortable<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncIterable<T> {
  if (signal === undefined) return source
  return {
    [Symbol.asyncIterator]() {
      const it = source[Symbol.asyncIterator]()
      let closed = false
      const close = (): void => {
        if (!closed) {
          closed = true
          closeAll([it])
        }
      }
      return {
        next() {
          if (signal.aborted) {
            close()
            return Promise.reject(signal.reason as Error)
          }
          return new Promise<IteratorResult<T>>((resolve, reject) => {
            const onAbort = (): void => {
              close()
              reject(signal.reason as Error)
            }
            signal.addEventListener('abort', onAbort, { once: true })
            it.next().then(
              (r) => {
                signal.removeEventListener('abort', onAbort)
                if (r.done === true) closed = true
                resolve(r)
              },
              (e: unknown) => {
                signal.removeEventListener('abort', onAbort)
                closed = true
                reject(e)
              },
            )
          })
        },
        async return(value?: unknown) {
          if (!closed) {
            closed = true
            await it.return?.(value)
          }
          return { done: true, value: undefined }
        },
      }
    },
  }
}
