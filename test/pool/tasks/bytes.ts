import { transferResult } from '../../../src/pool/index.js'

/** Doubles a Float64Array in place and moves it back; reports the length it saw. */
export default function doubleAll(xs: Float64Array): Float64Array {
  for (let i = 0; i < xs.length; i++) xs[i] = (xs[i] as number) * 2
  return transferResult(xs)
}

/** Sums the bytes of every array in a batch. */
export function sumBatch(batch: Uint8Array[]): number {
  let s = 0
  for (const b of batch) for (const v of b) s += v
  return s
}

/** Returns { out, seen } with an explicit transfer list. */
export function wrapped(xs: Uint8Array): { out: Uint8Array; length: number } {
  const out = new Uint8Array(xs.length).map((_, i) => (xs[i] as number) + 1)
  return transferResult({ out, length: xs.length }, [out.buffer])
}
