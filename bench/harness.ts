// Timing and memory helpers for the benchmarks: warm up, interleave implementations across
// rounds (so machine noise hits every implementation alike), take the median, and check that
// every run produced the expected result.

import { execFile, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'

/** One implementation of a workload. `run` returns the workload's result (a sum or a count). */
export interface Impl {
  readonly name: string
  readonly run?: () => Promise<number> | number
  /** Why this implementation has no row (no equivalent in the library); shown in the table. */
  readonly skip?: string
  /** A note shown in the table (what the implementation uses, where it differs). */
  readonly note?: string
}

export interface Workload {
  readonly id: string
  readonly title: string
  /** Target for streamz-ts as a ratio to "fused" (lower is better). */
  readonly target: number
  readonly expected: number
  readonly impls: readonly Impl[]
}

export interface Row {
  readonly name: string
  readonly ms?: number
  readonly min?: number
  readonly max?: number
  readonly reps?: number
  readonly ratio?: number
  readonly skip?: string
  readonly note?: string
}

export interface Budget {
  /** Time spent on timed runs per implementation, roughly. */
  readonly msPerImpl: number
  readonly minReps: number
  readonly maxReps: number
  /** Cap on timed runs per implementation: a very slow peer gets fewer runs (at least one). */
  readonly capMs: number
}

export const forceGc: () => void = (() => {
  const g = (globalThis as { gc?: () => void }).gc
  if (typeof g !== 'function') throw new Error('bench: run node with --expose-gc (npm run bench does)')
  return g
})()

function check(w: Workload, impl: Impl, got: number): void {
  if (got !== w.expected) {
    throw new Error(`${w.id} / ${impl.name}: result ${String(got)} differs from the expected ${String(w.expected)}`)
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

async function timeOnce(w: Workload, impl: Impl, run: () => Promise<number> | number): Promise<number> {
  forceGc()
  const t0 = performance.now()
  const got = await run()
  const dt = performance.now() - t0
  check(w, impl, got)
  return dt
}

/** Warm up each implementation, then time them round-robin; medians and ratios to "fused". */
export async function measure(w: Workload, budget: Budget, log: (s: string) => void): Promise<Row[]> {
  const live = w.impls.filter((i) => i.run !== undefined)
  const reps = new Map<Impl, number>()
  const times = new Map<Impl, number[]>()
  for (const impl of live) {
    const run = impl.run as () => Promise<number> | number
    // Warm-up: at least two runs and 150 ms, at most ~1 s (one run if a run is slower than that).
    let spent = 0
    let n = 0
    let last = 0
    while ((n < 2 || spent < 150) && spent < 1000) {
      last = await timeOnce(w, impl, run)
      spent += last
      n++
    }
    const t = Math.max(last, 0.01)
    const want = Math.max(budget.minReps, Math.min(budget.maxReps, Math.floor(budget.msPerImpl / t)))
    reps.set(impl, Math.max(1, Math.min(want, Math.floor(budget.capMs / t))))
    times.set(impl, [])
  }
  const rounds = Math.max(0, ...reps.values())
  for (let r = 0; r < rounds; r++) {
    for (const impl of live) {
      if (r >= (reps.get(impl) as number)) continue
      ;(times.get(impl) as number[]).push(await timeOnce(w, impl, impl.run as () => Promise<number> | number))
    }
  }
  const fusedImpl = live.find((i) => i.name === 'fused')
  const fused = fusedImpl ? median(times.get(fusedImpl) as number[]) : undefined
  const rows: Row[] = w.impls.map((impl) => {
    const ts = times.get(impl)
    if (ts === undefined) return { name: impl.name, skip: impl.skip ?? 'skipped', note: impl.note }
    const ms = median(ts)
    return {
      name: impl.name,
      ms,
      min: Math.min(...ts),
      max: Math.max(...ts),
      reps: ts.length,
      ratio: fused === undefined ? undefined : ms / fused,
      note: impl.note,
    }
  })
  for (const row of rows) {
    log(
      row.ms === undefined
        ? `  ${w.id} ${row.name.padEnd(20)} skipped: ${row.skip ?? ''}`
        : `  ${w.id} ${row.name.padEnd(20)} ${row.ms.toFixed(2).padStart(9)} ms  x${(row.ratio ?? NaN).toFixed(3)}  (n=${String(row.reps)}, ${(row.min ?? 0).toFixed(1)}..${(row.max ?? 0).toFixed(1)})`,
    )
  }
  return rows
}

// ---- memory

export interface MemSample {
  rss: number
  heapUsed: number
}

export interface MemResult {
  readonly label: string
  /** Peak growth over the baseline taken after a forced gc, in bytes. */
  readonly rss: number
  readonly heapUsed: number
  /** Peak of heapUsed measured right after a forced gc (what is really held), in bytes. */
  readonly liveHeap: number
  readonly ms: number
}

/**
 * A probe for memory: call `tick()` once per delivered element. It samples
 * process.memoryUsage() every `every` ticks (and from a 2 ms timer when the run yields to
 * the event loop), keeping the peaks. With `gcEvery`, it forces a gc first at those ticks,
 * which measures what is held rather than garbage not yet collected.
 */
export class MemProbe {
  private n = 0
  readonly peak: MemSample = { rss: 0, heapUsed: 0 }
  private readonly timer: ReturnType<typeof setInterval> | undefined
  constructor(
    private readonly every: number,
    private readonly gcEvery: number | undefined,
  ) {
    // the timer samples garbage too, so it is off when measuring the live heap
    if (gcEvery === undefined) {
      this.timer = setInterval(() => this.sample(), 2)
      this.timer.unref()
    }
  }
  tick(): void {
    const n = ++this.n
    if (this.gcEvery !== undefined) {
      if (n % this.gcEvery === 0) {
        forceGc()
        this.sample()
      }
    } else if (n % this.every === 0) this.sample()
  }
  sample(): void {
    const m = process.memoryUsage()
    if (m.rss > this.peak.rss) this.peak.rss = m.rss
    if (m.heapUsed > this.peak.heapUsed) this.peak.heapUsed = m.heapUsed
  }
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer)
  }
}

/**
 * Peak memory growth of one run: `run(probe)` must call `probe.tick()` per delivered element
 * and return the workload's result. Two passes: raw peaks (sampled every 4096 elements), then
 * live heap (a forced gc every 20,000 elements).
 */
export async function measureMemory(
  label: string,
  expected: number,
  run: (probe: MemProbe) => Promise<number>,
): Promise<MemResult> {
  const pass = async (gcEvery: number | undefined): Promise<{ growth: MemSample; ms: number }> => {
    forceGc()
    forceGc()
    const base = process.memoryUsage()
    const probe = new MemProbe(4096, gcEvery)
    const t0 = performance.now()
    let got: number
    try {
      got = await run(probe)
      if (gcEvery !== undefined) forceGc()
      probe.sample()
    } finally {
      probe.stop()
    }
    const ms = performance.now() - t0
    if (got !== expected)
      throw new Error(`memory ${label}: result ${String(got)} differs from the expected ${String(expected)}`)
    return {
      growth: {
        rss: Math.max(0, probe.peak.rss - base.rss),
        heapUsed: Math.max(0, probe.peak.heapUsed - base.heapUsed),
      },
      ms,
    }
  }
  const raw = await pass(undefined)
  const live = await pass(20_000)
  return { label, rss: raw.growth.rss, heapUsed: raw.growth.heapUsed, liveHeap: live.growth.heapUsed, ms: raw.ms }
}

export const MiB = 1024 * 1024
export const fmtMiB = (b: number): string => (b / MiB).toFixed(1)

// ---- child processes (memory is measured in a fresh process)

export const RESULT_MARK = '@@result '

/** Run `file` (a bench script) in a child node with the same flags; resolve with its `@@result` JSON. */
export function runChild<T>(file: string, args: readonly string[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    execFile(process.execPath, [...process.execArgv, file, ...args], { maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stderr}`))
        return
      }
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARK))
      if (line === undefined) reject(new Error(`${file} ${args.join(' ')} printed no result:\n${stdout}\n${stderr}`))
      else resolve(JSON.parse(line.slice(RESULT_MARK.length)) as T)
    })
  })
}

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Run the project's tsc with these arguments; true when it succeeded. */
function tsc(args: readonly string[]): boolean {
  const bin = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' }).status === 0
}

/**
 * src/ compiled by tsc as it is published (tsconfig.build.json) into .cache/bench-dist, for the rows that
 * measure the package rather than src/ under tsx; the directory, or undefined when tsc fails.
 */
export function compiledSrc(): string | undefined {
  const out = join(ROOT, '.cache', 'bench-dist')
  const flags = ['--outDir', out, '--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false']
  return tsc(['-p', join(ROOT, 'tsconfig.build.json'), ...flags]) ? out : undefined
}

/** A self-contained TypeScript file of bench/ compiled to JavaScript in .cache/bench-js; its path, or undefined. */
export function compiledFile(file: string): string | undefined {
  const out = join(ROOT, '.cache', 'bench-js')
  const flags = ['--outDir', out, '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext']
  const ok = tsc([...flags, '--skipLibCheck', '--declaration', 'false', '--sourceMap', 'false', file])
  return ok ? join(out, `${file.replace(/^.*[\\/]/, '').replace(/\.ts$/, '')}.js`) : undefined
}
