// A task for docs/pool.md: a Polars chunk comes in as Arrow IPC bytes, its totals per shop go back the same way.
import pl from 'nodejs-polars'
import { frameFromIPC, frameToIPC } from '../../../src/frame/index.js'
import { transferResult } from '../../../src/pool/index.js'

export default function totals(bytes: Uint8Array): Uint8Array {
  const sales = frameFromIPC(bytes)
  const out = frameToIPC(sales.groupBy('shop').agg(pl.col('amount').sum()).sort('shop'))
  return transferResult(out, [out.buffer])
}
