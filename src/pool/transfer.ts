import type { Transferable } from 'node:worker_threads'
import { show } from '../internal/check.js'
import { move, transferableSymbol, valueSymbol } from 'piscina'

/** What a transfer list may name: ArrayBuffers (a SharedArrayBuffer is shared, so left out) and other transferables. @internal */
export type TransferItem = Transferable | ArrayBufferLike

/** A transfer list without shared memory or repeats, as postMessage needs it. @internal */
export function toTransferList(items: readonly TransferItem[]): Transferable[] {
  const out: Transferable[] = []
  for (const t of items) if (!(t instanceof SharedArrayBuffer) && !out.includes(t)) out.push(t)
  return out
}

/** Transferable parts of a value: an ArrayBuffer, a typed array's or DataView's buffer, or those in an array. @internal */
export function transferablesOf(x: unknown): Transferable[] {
  const out: Transferable[] = []
  const add = (v: unknown): void => {
    const b = v instanceof ArrayBuffer ? v : ArrayBuffer.isView(v) ? v.buffer : undefined
    // a SharedArrayBuffer is shared, not moved; a buffer must be listed once
    if (b instanceof ArrayBuffer && !out.includes(b)) out.push(b)
  }
  if (Array.isArray(x)) for (const v of x) add(v)
  else add(x)
  return out
}

/**
 * Worker side: return `transferResult(value, transferList)` from a task to move the listed
 * ArrayBuffers back to the parent without a copy (they are detached in the worker). Without a
 * list, `value` itself is moved when it is an ArrayBuffer, a typed array, or an array of those.
 * The parent receives `value` itself, not a wrapper.
 * @param value - the task's result
 * @param transferList - the ArrayBuffers (or other transferables) inside `value` to move
 * @example
 * ```ts
 * // tasks/double.ts, run with poolMap(new URL('./tasks/double.ts', import.meta.url), { transfer: true })
 * import { transferResult } from 'streamz-ts/pool'
 * export default function double(xs: Float64Array): Float64Array {
 *   for (let i = 0; i < xs.length; i++) xs[i] = xs[i]! * 2
 *   return transferResult(xs) // moves xs.buffer back to the parent
 * }
 * ```
 */
export function transferResult<T>(value: T, transferList?: readonly (Transferable | ArrayBufferLike)[]): T {
  if (transferList !== undefined && !Array.isArray(transferList))
    throw new TypeError(`transferResult: transferList must be an array, got ${show(transferList)}`)
  const list =
    transferList === undefined ? transferablesOf(value) : toTransferList(transferList as readonly TransferItem[])
  // piscina's movable protocol: its worker posts [valueSymbol] with [transferableSymbol] as the list
  const movable = { [transferableSymbol]: list, [valueSymbol]: value }
  return move(movable as unknown as ArrayBuffer) as unknown as T
}
