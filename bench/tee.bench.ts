// tee(2) with a slow and a fast branch: the fast branch may run ahead of the slow one by at
// most highWaterMark items, so memory stays flat however long the stream is.
// Standalone: node --import tsx --expose-gc bench/tee.bench.ts

import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import * as sz from '../src/index.js'
import { MemProbe, RESULT_MARK, fmtMiB, forceGc } from './harness.js'

export const TEE_ITEMS = 200_000
export const TEE_HWM = 1000
const PAUSE_EVERY = 100
const PAUSE_MS = 1

export interface TeeResult {
  readonly skip?: string
  readonly items: number
  readonly highWaterMark: number
  readonly ms?: number
  /** Most elements the fast branch had received beyond what the slow branch had asked for. */
  readonly maxLead?: number
  /** The same, counted in the two loop bodies (one element may be in flight to the slow one). */
  readonly maxBodyLead?: number
  readonly rss?: number
  readonly heapUsed?: number
  readonly pauses?: number
}

type TeeFn = <T>(
  source: AsyncIterable<T> | Iterable<T>,
  n: number,
  options?: { highWaterMark?: number },
) => AsyncIterable<T>[]

function* naturals(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i
}

export async function runTeeBench(): Promise<TeeResult> {
  const tee = (sz as unknown as Record<string, unknown>).tee
  if (typeof tee !== 'function')
    return { skip: 'tee not exported by src/index yet', items: TEE_ITEMS, highWaterMark: TEE_HWM }
  const [fast, slow] = (tee as TeeFn)(sz.fromIterable(naturals(TEE_ITEMS)), 2, { highWaterMark: TEE_HWM }) as [
    AsyncIterable<number>,
    AsyncIterable<number>,
  ]
  // Count the slow branch's reads at its iterator: an element the tee has handed over is in
  // flight for a microtask before the loop body sees it, so body counts alone lag by one.
  let slowReads = 0
  const slowIt = slow[Symbol.asyncIterator]()
  const slowCounted: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        slowReads++
        return slowIt.next()
      },
      return: () => slowIt.return?.() ?? Promise.resolve({ value: undefined, done: true }),
    }),
  }
  forceGc()
  forceGc()
  const base = process.memoryUsage()
  const probe = new MemProbe(1000, undefined)
  let nFast = 0
  let nSlow = 0
  let sumFast = 0
  let sumSlow = 0
  let maxLead = 0
  let maxBodyLead = 0
  let pauses = 0
  const t0 = performance.now()
  try {
    await Promise.all([
      (async () => {
        for await (const x of fast) {
          sumFast += x
          nFast++
          if (nFast - slowReads > maxLead) maxLead = nFast - slowReads
          if (nFast - nSlow > maxBodyLead) maxBodyLead = nFast - nSlow
          probe.tick()
        }
      })(),
      (async () => {
        for await (const x of slowCounted) {
          sumSlow += x
          if (++nSlow % PAUSE_EVERY === 0) {
            pauses++
            await sleep(PAUSE_MS)
          }
        }
      })(),
    ])
    probe.sample()
  } finally {
    probe.stop()
  }
  const ms = performance.now() - t0
  const want = (TEE_ITEMS * (TEE_ITEMS - 1)) / 2
  if (nFast !== TEE_ITEMS || nSlow !== TEE_ITEMS || sumFast !== want || sumSlow !== want) {
    throw new Error(
      `tee bench: branches saw ${String(nFast)}/${String(nSlow)} items (sums ${String(sumFast)}/${String(sumSlow)}), expected ${String(TEE_ITEMS)} each`,
    )
  }
  return {
    items: TEE_ITEMS,
    highWaterMark: TEE_HWM,
    ms,
    maxLead,
    maxBodyLead,
    pauses,
    rss: Math.max(0, probe.peak.rss - base.rss),
    heapUsed: Math.max(0, probe.peak.heapUsed - base.heapUsed),
  }
}

export function teeLines(r: TeeResult): string[] {
  if (r.skip !== undefined) return [`tee bench skipped: ${r.skip}`]
  const leadOk = (r.maxLead ?? Infinity) <= r.highWaterMark
  return [
    `| items | highWaterMark | time (ms) | slow-branch pauses | max lead of the fast branch | lead ≤ highWaterMark | lead seen by the loop bodies | peak RSS growth (MiB) | peak heapUsed growth (MiB) |`,
    `| ---: | ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: |`,
    `| ${r.items.toLocaleString('en-US')} | ${String(r.highWaterMark)} | ${(r.ms ?? 0).toFixed(0)} | ${String(r.pauses)} | ${String(r.maxLead)} | ${leadOk ? 'PASS' : 'MISS'} | ${String(r.maxBodyLead)} | ${fmtMiB(r.rss ?? 0)} | ${fmtMiB(r.heapUsed ?? 0)} |`,
  ]
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await runTeeBench()
  if (process.argv.includes('--json')) console.log(RESULT_MARK + JSON.stringify(r))
  else console.log(teeLines(r).join('\n'))
}
