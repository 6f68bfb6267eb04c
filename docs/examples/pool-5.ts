import pl from 'nodejs-polars'
import { pipe, map, toArray } from '../../src/index.js'
import { frameFromIPC, frameToIPC } from '../../src/frame/index.js'
import { poolMap } from '../../src/pool/index.js'

export async function run() {
  const chunks = [
    pl.DataFrame({ shop: ['north', 'south', 'north'], amount: [10, 20, 5] }),
    pl.DataFrame({ shop: ['south', 'south'], amount: [1, 2] }),
  ]
  const task = new URL('./tasks/totals.ts', import.meta.url)

  const totals = await pipe(
    chunks,
    map((df: pl.DataFrame) => frameToIPC(df)), // a DataFrame can't cross threads; its Arrow IPC bytes can
    poolMap<Uint8Array, Uint8Array>(task, { workers: 2, transfer: true }),
    map((bytes: Uint8Array) => frameFromIPC(bytes).toRecords()),
    toArray(),
  )
  return totals
}

export const expected = [
  [
    { shop: 'north', amount: 15 },
    { shop: 'south', amount: 20 },
  ],
  [{ shop: 'south', amount: 3 }],
]
