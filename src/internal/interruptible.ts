import { DONE_RESULT } from '../pipe/flow.js'
import { closeAll } from './close-all.js'

/** The body of a stage or source written as an async generator. */
type Body<T> = (
  stop: AbortSignal,
  track: <U>(source: AsyncIterable<U>) => AsyncIterable<U>,
) => AsyncGenerator<T, void, undefined>

/**
 * Run an async generator body so that `return()` takes effect even while a `next()` is
 * pending. A plain async generator queues `return()` behind the pending `next()`, so a
 * stage waiting on a silent source (or a source waiting on a process or a timer) would
 * never close what it opened when merge or zip call `return()` on it. Here, `return()`
 * during a pending `next()` aborts `stop` (the body passes it to its sleeps and waits) and
 * closes the upstream iterators the body opened through `track`; the pending `next()`
 * then settles as done and the body's `finally` runs.
 * @internal
 */
export function interruptible<T>(body: Body<T>, signal?: AbortSignal): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const ac = new AbortController()
      const opened: AsyncIterator<unknown>[] = []
      const track = <U>(source: AsyncIterable<U>): AsyncIterable<U> => ({
        [Symbol.asyncIterator]() {
          const it = source[Symbol.asyncIterator]()
          opened.push(it as AsyncIterator<unknown>)
          return it
        },
      })
      const stop = signal === undefined ? ac.signal : AbortSignal.any([signal, ac.signal])
      let g: AsyncGenerator<T, void, undefined> | undefined
      let pending = 0
      let stopping = false
      const settled = (r: IteratorResult<T>): IteratorResult<T> => {
        pending--
        return stopping ? DONE_RESULT : r // after return(), nothing more is handed out
      }
      const failed = (e: unknown): IteratorResult<T> => {
        pending--
        if (stopping) return DONE_RESULT
        throw e
      }
      return {
        next() {
          if (stopping && g === undefined) return Promise.resolve(DONE_RESULT)
          g ??= body(stop, track)
          pending++
          return g.next().then(settled, failed)
        },
        return() {
          if (g === undefined) {
            stopping = true
            return Promise.resolve(DONE_RESULT)
          }
          if (pending > 0 && !stopping) {
            stopping = true
            ac.abort(new Error('stopped by its consumer'))
            closeAll(opened)
          }
          return g.return(undefined).then(
            () => DONE_RESULT,
            () => DONE_RESULT,
          )
        },
      }
    },
  }
}
