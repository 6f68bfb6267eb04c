// streamz-ts/frame bench (issue 3): per-chunk cost of streaming DataFrame aggregations.
//
// 1. Window-length scaling: `rolling(w).col('x').mean()` over 10,000-row chunks with a 10,000-row
//    and a 1,000,000-row window, in interleaved rounds; the first 100 chunks fill the large window
//    and are not timed. Incremental means the two per-chunk times are about equal (ratio ~1).
// 2. Against Python Streamz 0.6.4 + pandas on this machine, in the same run: groupby-mean
//    (`sdf.groupBy('name').col('x').mean()` / `sdf.groupby('name').x.mean()`) and rolling(1000)-mean
//    over 1,000 chunks of 10,000 rows, and rolling(100,000)-mean to show where copying the backlog
//    costs Streamz (a pool of 20 chunks emitted in turn; both sides read the same
//    numbers from one CSV and their last results are compared). Python runs in a child process
//    (`/usr/bin/python3 bench/python/frame_bench.py`); without streamz there it is skipped with one line
//    (on Debian: `apt-get install python3-streamz python3-pandas`).
//
// Per-chunk times: each chunk timed on its own (the await of the next result), median reported.
// Standalone: node --import tsx --expose-gc bench/frame.bench.ts [--json]

import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import pl from 'nodejs-polars'
import { type StreamingFrame, toFrame } from '../src/frame/index.js'
import { RESULT_MARK, forceGc, median } from './harness.js'

export const ROWS = 10_000
export const COMPARE_CHUNKS = 1000
export const SPEEDUP_TARGET = 5
const POOL = 20
const NAMES = 100
const SCALE_WARM = 100
const SCALE_TIMED = 150
const SCALE_ROUNDS = 4
const WINDOWS = [10_000, 1_000_000] as const
const PYTHON = '/usr/bin/python3'

export interface Timing {
  readonly name: string
  /** Median per-chunk ms. */
  readonly ms: number
  readonly p10: number
  readonly p90: number
  readonly mean: number
  readonly chunks: number
}

export interface FrameBenchResult {
  /** `cpuMs`: CPU time of the process per timed chunk (mean). */
  readonly scaling: readonly (Timing & { readonly window: number; readonly cpuMs: number })[]
  /** `target`: the row is held to the 5x target (the others are information). */
  readonly compare: readonly {
    readonly name: string
    readonly target: boolean
    readonly ts: Timing
    readonly py?: Timing
    /** CPU time per chunk (mean) of each side's process. */
    readonly tsCpu: number
    readonly pyCpu?: number
  }[]
  readonly pythonSkip?: string
  readonly pythonVersions?: Record<string, string>
}

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 4294967296
  }
}

function makePool(): pl.DataFrame[] {
  const r = rng(42)
  const names = Array.from({ length: NAMES }, (_, i) => `n${String(i).padStart(3, '0')}`)
  return Array.from({ length: POOL }, () =>
    pl.DataFrame([
      pl.Series(
        'name',
        Array.from({ length: ROWS }, () => names[Math.floor(r() * NAMES)] as string),
        pl.String,
      ),
      // rounded to 12 digits so the CSV round trip gives Python the very same doubles
      pl.Series(
        'x',
        Float64Array.from({ length: ROWS }, () => Math.round(r() * 1e12) / 1e12),
      ),
    ]),
  )
}

/**
 * The pool's chunks in turn, through `toFrame` as a user's stream would come: a stream fed from memory never
 * lets the event loop turn, and only toFrame's pacing lets nodejs-polars free the memory of earlier chunks
 * (without it the process grows by some 160 KB per chunk and each chunk gets slower).
 */
function frameOver(pool: readonly pl.DataFrame[], chunks: number): StreamingFrame {
  return toFrame(
    {
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < chunks; i++) yield pool[i % pool.length] as pl.DataFrame
      },
    },
    { example: (pool[0] as pl.DataFrame).head(0) },
  )
}

/** Time each chunk's result; skip the first `skip`. Returns the times and the last result. */
/**
 * Time each chunk's result; skip the first `skip`. Returns the wall times, the CPU time of the process over
 * the timed chunks (Polars' threads included; less disturbed than wall time by other work on the machine)
 * and the last result.
 */
async function timeChunks(
  sdf: StreamingFrame,
  skip: number,
): Promise<{ times: number[]; cpuMs: number; last: pl.DataFrame }> {
  const it = sdf.stream[Symbol.asyncIterator]()
  const times: number[] = []
  let last: pl.DataFrame | undefined
  let cpu0: NodeJS.CpuUsage | undefined
  for (let i = 0; ; i++) {
    if (i === skip) cpu0 = process.cpuUsage()
    const t0 = performance.now()
    const r = await it.next()
    const dt = performance.now() - t0
    if (r.done === true) break
    last = r.value
    if (i >= skip) times.push(dt)
  }
  if (last === undefined || cpu0 === undefined) throw new Error('frame bench: no result')
  const d = process.cpuUsage(cpu0)
  return { times, cpuMs: (d.user + d.system) / 1000, last }
}

function summarize(name: string, times: readonly number[]): Timing {
  const s = [...times].sort((a, b) => a - b)
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number
  return {
    name,
    ms: median(s),
    p10: at(0.1),
    p90: at(0.9),
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    chunks: s.length,
  }
}

interface PyOut {
  readonly skip?: string
  readonly groupby_ms?: number[]
  readonly rolling_ms?: number[]
  readonly groupby_groups?: number
  readonly groupby_first?: number
  readonly rolling_last?: number
  readonly big_ms?: number[]
  readonly cpu_ms?: { readonly groupby: number; readonly rolling: number; readonly big: number }
  readonly big_last?: number
  readonly versions?: Record<string, string>
}

function runPython(csv: string): Promise<PyOut> {
  const script = fileURLToPath(new URL('./python/frame_bench.py', import.meta.url))
  return new Promise((resolve) => {
    execFile(
      PYTHON,
      [script, csv, String(COMPARE_CHUNKS), String(ROWS)],
      { maxBuffer: 1 << 26 },
      (err, stdout, stderr) => {
        if (err !== null) {
          const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${PYTHON} not found` : err.message
          resolve({ skip: `${why} ${stderr.split('\n').slice(-3).join(' ')}`.trim() })
          return
        }
        try {
          resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as PyOut)
        } catch {
          resolve({ skip: `unreadable output from ${PYTHON}: ${stdout.slice(0, 200)}` })
        }
      },
    )
  })
}

export async function runFrameBench(log: (s: string) => void): Promise<FrameBenchResult> {
  const pool = makePool()

  // 1. window-length scaling, interleaved rounds
  log(`window-length scaling: rolling(w).col('x').mean(), ${String(ROWS)}-row chunks`)
  const per = new Map<number, number[]>(WINDOWS.map((w) => [w, []]))
  const cpu = new Map<number, number>(WINDOWS.map((w) => [w, 0]))
  for (let round = 0; round < SCALE_ROUNDS; round++) {
    for (const w of WINDOWS) {
      forceGc()
      const sdf = frameOver(pool, SCALE_WARM + SCALE_TIMED)
        .rolling(w)
        .col('x')
        .mean()
      const { times, cpuMs } = await timeChunks(sdf, SCALE_WARM)
      per.get(w)?.push(...times)
      cpu.set(w, (cpu.get(w) ?? 0) + cpuMs)
      log(
        `  round ${String(round + 1)} window ${w.toLocaleString('en-US')}: median ${median(times).toFixed(3)} ms/chunk, CPU ${(cpuMs / times.length).toFixed(3)} ms/chunk`,
      )
    }
  }
  const scaling = WINDOWS.map((w) => ({
    window: w,
    cpuMs: (cpu.get(w) ?? 0) / (SCALE_ROUNDS * SCALE_TIMED),
    ...summarize(`rolling(${w.toLocaleString('en-US')}).mean()`, per.get(w) ?? []),
  }))

  // 2. against Python Streamz + pandas
  log(`\nagainst Python Streamz + pandas: ${String(COMPARE_CHUNKS)} chunks of ${String(ROWS)} rows`)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'frame-bench-'))
  const csv = path.join(dir, 'pool.csv')
  pl.concat(pool).writeCSV(csv)
  const pyPromise = runPython(csv)
  // the Python child runs first, alone (the machine has 2 cores: no overlap with the TS timings)
  const py = await pyPromise
  rmSync(dir, { recursive: true, force: true })
  if (py.skip !== undefined) log(`  Python side skipped: ${py.skip}`)

  forceGc()
  const g = await timeChunks(
    frameOver(pool, COMPARE_CHUNKS + 5)
      .groupBy('name')
      .col('x')
      .mean(),
    5,
  )
  forceGc()
  const r = await timeChunks(
    frameOver(pool, COMPARE_CHUNKS + 5)
      .rolling(1000)
      .col('x')
      .mean(),
    5,
  )
  forceGc()
  const big = await timeChunks(
    frameOver(pool, COMPARE_CHUNKS + 5)
      .rolling(100_000)
      .col('x')
      .mean(),
    5,
  )

  // the two sides must agree on the results
  if (py.skip === undefined) {
    for (const [res, want] of [
      [r.last, py.rolling_last],
      [big.last, py.big_last],
    ] as const) {
      const got = res.getColumn('x').get(ROWS - 1) as number
      if (want === undefined || Math.abs(got - want) > 1e-9)
        throw new Error(`frame bench: rolling mean ${String(got)} differs from Python's ${String(want)}`)
    }
    const sorted = g.last.sort('name')
    const first = sorted.getColumn('x').get(0) as number
    if (
      sorted.height !== py.groupby_groups ||
      py.groupby_first === undefined ||
      Math.abs(first - py.groupby_first) > 1e-9
    )
      throw new Error(
        `frame bench: groupby mean (${String(sorted.height)} groups, first ${String(first)}) differs from Python's (${String(py.groupby_groups)}, ${String(py.groupby_first)})`,
      )
  }
  const compare = [
    {
      name: "groupby-mean: groupBy('name').col('x').mean()",
      target: true,
      ts: summarize('streamz-ts', g.times),
      tsCpu: g.cpuMs / g.times.length,
      ...(py.groupby_ms === undefined ? {} : { py: summarize('Python Streamz', py.groupby_ms) }),
      ...(py.cpu_ms === undefined ? {} : { pyCpu: py.cpu_ms.groupby }),
    },
    {
      name: "rolling(1000)-mean: rolling(1000).col('x').mean()",
      target: true,
      ts: summarize('streamz-ts', r.times),
      tsCpu: r.cpuMs / r.times.length,
      ...(py.rolling_ms === undefined ? {} : { py: summarize('Python Streamz', py.rolling_ms) }),
      ...(py.cpu_ms === undefined ? {} : { pyCpu: py.cpu_ms.rolling }),
    },
    {
      name: 'rolling(100,000)-mean (information: a long window)',
      target: false,
      ts: summarize('streamz-ts', big.times),
      tsCpu: big.cpuMs / big.times.length,
      ...(py.big_ms === undefined ? {} : { py: summarize('Python Streamz', py.big_ms) }),
      ...(py.cpu_ms === undefined ? {} : { pyCpu: py.cpu_ms.big }),
    },
  ]
  for (const c of compare)
    log(
      `  ${c.name}: streamz-ts ${c.ts.ms.toFixed(3)} ms/chunk${c.py === undefined ? '' : `, Python ${c.py.ms.toFixed(3)} ms/chunk, ${(c.py.ms / c.ts.ms).toFixed(1)}x; CPU ${c.tsCpu.toFixed(3)} vs ${(c.pyCpu ?? NaN).toFixed(3)} ms/chunk`}`,
    )
  return {
    scaling,
    compare,
    ...(py.skip === undefined ? {} : { pythonSkip: py.skip }),
    ...(py.versions === undefined ? {} : { pythonVersions: py.versions }),
  }
}

const f3 = (x: number | undefined): string => (x === undefined ? '–' : x < 1 ? x.toFixed(3) : x.toFixed(2))
const pass = (ok: boolean): string => (ok ? 'PASS' : 'MISS')

/** The markdown lines of the frame section (without its heading). */
export function frameLines(r: FrameBenchResult): string[] {
  const small = r.scaling[0]
  const out = [
    `Per-chunk time of \`rolling(w).col('x').mean()\` over ${ROWS.toLocaleString('en-US')}-row chunks (median over ${String(SCALE_ROUNDS * SCALE_TIMED)} chunks in ${String(SCALE_ROUNDS)} interleaved rounds, after ${String(SCALE_WARM)} chunks that fill the large window); CPU ms is the process's CPU time over the timed chunks divided by their number (Polars threads included), less disturbed than wall time when the machine is busy. Incremental: the window length should not change the cost.`,
    '',
    '| window (rows) | median ms / chunk | p10–p90 ms | CPU ms / chunk | ratio to the 10,000-row window (median) | ratio (CPU) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const s of r.scaling)
    out.push(
      `| ${s.window.toLocaleString('en-US')} | ${f3(s.ms)} | ${f3(s.p10)}–${f3(s.p90)} | ${f3(s.cpuMs)} | ${small === undefined ? '–' : (s.ms / small.ms).toFixed(2)} | ${small === undefined ? '–' : (s.cpuMs / small.cpuMs).toFixed(2)} |`,
    )
  out.push(
    '',
    `Against Python Streamz + pandas on this machine, in the same run: ${COMPARE_CHUNKS.toLocaleString('en-US')} chunks of ${ROWS.toLocaleString('en-US')} rows (columns \`name\`, ${String(NAMES)} distinct strings, and \`x\`, float64; a pool of ${String(POOL)} chunks emitted in turn; both sides read the same numbers and their last results are checked to agree). Per-chunk median wall time (mean in brackets), and CPU time of each process per chunk (Polars' threads included for streamz-ts); target (on the medians): streamz-ts at least ${String(SPEEDUP_TARGET)}x faster.${r.pythonVersions === undefined ? '' : ` Python ${r.pythonVersions.python ?? '?'}, Streamz ${r.pythonVersions.streamz ?? '?'}, pandas ${r.pythonVersions.pandas ?? '?'}.`}`,
    '',
    '| workload | streamz-ts ms / chunk | Python Streamz ms / chunk | speed-up (medians) | target | CPU ms / chunk: streamz-ts / Python | speed-up (CPU) |',
    '| --- | ---: | ---: | ---: | :---: | ---: | ---: |',
  )
  for (const c of r.compare) {
    const q = c.py === undefined ? undefined : c.py.ms / c.ts.ms
    const target = c.target ? `≥ ${String(SPEEDUP_TARGET)}x: ${pass((q ?? 0) >= SPEEDUP_TARGET)}` : '–'
    const cpu = c.pyCpu === undefined ? `${f3(c.tsCpu)} / –` : `${f3(c.tsCpu)} / ${f3(c.pyCpu)}`
    const qc = c.pyCpu === undefined ? '–' : `${(c.pyCpu / c.tsCpu).toFixed(1)}x`
    out.push(
      `| ${c.name} | ${f3(c.ts.ms)} (${f3(c.ts.mean)}) | ${c.py === undefined ? `skipped: ${r.pythonSkip ?? ''}` : `${f3(c.py.ms)} (${f3(c.py.mean)})`} | ${q === undefined ? '–' : `${q.toFixed(1)}x`} | ${q === undefined ? '–' : target} | ${cpu} | ${qc} |`,
    )
  }
  return out
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const json = process.argv.includes('--json')
  const r = await runFrameBench(json ? (s) => console.error(s) : (s) => console.log(s))
  if (json) console.log(RESULT_MARK + JSON.stringify(r))
  else console.log(`\n${frameLines(r).join('\n')}`)
}
