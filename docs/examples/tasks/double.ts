// A task for docs/pool.md: double every number of a chunk, in place, and move the chunk back.
import { transferResult } from '../../../src/pool/index.js'

export default function double(xs: Float64Array): Float64Array {
  for (let i = 0; i < xs.length; i++) xs[i] = (xs[i] ?? 0) * 2
  return transferResult(xs) // xs.buffer goes back to the parent without a copy
}
