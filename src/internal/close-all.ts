/**
 * Call `return()` on every iterator without awaiting it: a source stuck on an `await`
 * must not hang the consumer's `break`. Rejections from `return()` are dropped.
 * @internal
 */
export function closeAll(its: Iterable<AsyncIterator<unknown> | Iterator<unknown> | undefined>): void {
  for (const it of its) {
    if (it === undefined) continue
    try {
      const r = it.return?.()
      if (r !== undefined && typeof (r as PromiseLike<unknown>).then === 'function') {
        ;(r as Promise<unknown>).then(undefined, () => undefined)
      }
    } catch {
      // a failing return() has nothing left to close
    }
  }
}
