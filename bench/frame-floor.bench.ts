// What one 10,000-row chunk of `rolling(n).col('x').mean()` cannot avoid paying at the nodejs-polars
// boundary (issue 3): reading the float column out of Polars, the arithmetic, making the result Series
// and wrapping it as a pl.DataFrame. Each step is timed on its own over the same chunks, in an async loop
// that lets the event loop turn (as a pipeline does), so the floor of the JavaScript path can be set
// against Python Streamz's per-chunk time in `npm run bench -- frame`.
//
// Standalone, not a section of `npm run bench`:
//   node --import tsx bench/frame-floor.bench.ts

import { performance } from 'node:perf_hooks'
import { setImmediate as turn } from 'node:timers/promises'
import pl from 'nodejs-polars'

const ROWS = 10_000
const WINDOW = 1000
const CHUNKS = 3000
const WARM = 300

interface NativeSeries {
  toTypedArray(): Float64Array
}
interface NativeFrame {
  column(name: string): NativeSeries
}
interface SeriesClass {
  newFloat64Array(name: string, values: Float64Array): NativeSeries
}

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 4294967296
  }
}

const r = rng(42)
const pool = Array.from({ length: 20 }, () =>
  pl.DataFrame([
    pl.Series(
      'x',
      Float64Array.from({ length: ROWS }, () => r()),
    ),
  ]),
)
const native = (df: pl.DataFrame): NativeFrame => (df as unknown as { _df: NativeFrame })._df
const cls = native(pool[0] as pl.DataFrame).column('x').constructor as unknown as SeriesClass
const out = new Float64Array(ROWS)
const spent = { read: 0, compute: 0, series: 0, wrap: 0 }
let last: pl.DataFrame | undefined
for (let k = 0; k < CHUNKS + WARM; k++) {
  if (k % 10 === 0) await turn()
  const df = pool[k % pool.length] as pl.DataFrame
  const t0 = performance.now()
  const a = native(df).column('x').toTypedArray()
  const t1 = performance.now()
  let sum = 0
  for (let i = 0; i < ROWS; i++) {
    sum += a[i] as number
    if (i >= WINDOW) sum -= a[i - WINDOW] as number
    out[i] = sum / WINDOW
  }
  const t2 = performance.now()
  const s = cls.newFloat64Array('x', out)
  const t3 = performance.now()
  last = pl.DataFrame([{ name: 'x', _s: s }] as unknown as pl.Series[])
  const t4 = performance.now()
  if (k >= WARM) {
    spent.read += t1 - t0
    spent.compute += t2 - t1
    spent.series += t3 - t2
    spent.wrap += t4 - t3
  }
}
if (last?.height !== ROWS) throw new Error('frame floor: no result')
const us = (ms: number): string => ((ms / CHUNKS) * 1000).toFixed(1)
const total = spent.read + spent.compute + spent.series + spent.wrap
console.log(`per ${ROWS.toLocaleString('en-US')}-row chunk, mean over ${String(CHUNKS)} chunks (µs):`)
console.log(`  read the column (toTypedArray)      ${us(spent.read)}`)
console.log(`  rolling mean in JavaScript          ${us(spent.compute)}`)
console.log(`  result Series (newFloat64Array)     ${us(spent.series)}`)
console.log(`  pl.DataFrame around it              ${us(spent.wrap)}`)
console.log(`  total                               ${us(total)}`)
