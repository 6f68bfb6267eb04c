// streamz-ts/pool bench (issue 4): what worker threads buy on CPU-bound work, and what each task
// sent through the pool costs compared with calling piscina or tinypool directly.
//
// 1. CPU-bound: a task doing ~2 ms of hashing per item (rounds of sha256, calibrated once at the
//    start so that one call takes ~2 ms here; the same rounds in every row) over 2,000 items,
//    plain `map` in the main thread against `poolMap` with 2 workers (its defaults, batch 'auto',
//    and one item per message), piscina direct, and pool.map on a warm pool.
// 2. Per-task overhead: the trivial task (x => x) over 20,000 items through `poolMap` (2 workers:
//    the defaults, which batch; one item per message with the old default window of 4 and with
//    64), piscina's `run` and tinypool's `run` called directly with a window of tasks in flight
//    (results taken in order, as poolMap does).
// 3. The same trivial task on warm pools (pool.map on a createPool, piscina, tinypool), each
//    started once and kept across runs: the cost per task without start-up.
//
// In 1 and 2 every row starts its pool, runs, and tears the threads down, inside the timing; a run
// of 1 item per row measures the start and teardown alone, so the tables also give the marginal
// cost per task. The rows are timed in interleaved rounds and the median reported.
// Standalone: node --import tsx --expose-gc bench/pool.bench.ts [--json]

import { execFile } from 'node:child_process'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { performance } from 'node:perf_hooks'
import { Piscina } from 'piscina'
import { Tinypool } from 'tinypool'
import * as sz from '../src/index.js'
import { type Pool, createPool, poolMap } from '../src/pool/index.js'
import { AUTO_MAX_BATCH, AUTO_TARGET_MS } from '../src/pool/stage.js'
import { RESULT_MARK, compiledFile, compiledSrc, forceGc, median } from './harness.js'
import { type HashItem, hashWork } from './tasks/hash.js'

export const CPU_ITEMS = 2000
export const CPU_TARGET_MS = 2
export const CPU_SPEEDUP_TARGET = 1.8
export const OVERHEAD_ITEMS = 20_000
export const OVERHEAD_TARGET = 1.2
export const WORKERS = 2
const CPU_REPS = 5
const OVERHEAD_REPS = 5
const WARM_REPS = 7
const START_REPS = 5
const BIG_WINDOW = 64
const DEFAULT_WINDOW = 2 * WORKERS
/**
 * Worker threads start with no Node flags in every row: this process runs under `--import tsx`,
 * which threads would otherwise inherit and pay ~300 ms each to load. Node 24 strips the types of
 * the .ts task and worker modules itself, as it would for a user's plain .js task.
 */
const EXEC_ARGV: string[] = []

const HASH_TASK = fileURLToPath(new URL('./tasks/hash.ts', import.meta.url))
const ID_TASK = fileURLToPath(new URL('./tasks/identity.ts', import.meta.url))

export interface PoolRow {
  readonly name: string
  readonly note: string
  readonly ms?: number
  readonly min?: number
  readonly max?: number
  readonly reps?: number
  /** Median time of a run with one item: starting the threads, one task, teardown. */
  readonly startMs?: number
  readonly skip?: string
  /** The row this one is compared with (piscina direct), by name. */
  readonly ref?: string
}

export interface PoolBenchResult {
  readonly node: string
  readonly cpus: number
  readonly cpuModel: string
  readonly date: string
  readonly loadStart: number
  readonly loadEnd: number
  readonly rounds: number
  readonly calibratedMs: number
  readonly cpu: readonly PoolRow[]
  readonly cpuLoad: readonly [number, number]
  readonly overhead: readonly PoolRow[]
  readonly overheadLoad: readonly [number, number]
  readonly warm: readonly PoolRow[]
  readonly warmLoad: readonly [number, number]
}

interface Impl<T> {
  readonly name: string
  readonly note: string
  readonly run?: (items: readonly T[]) => Promise<number>
  /** Instead of `run`: the implementation times itself (the two-processes row leaves out process start-up). */
  readonly timed?: (items: readonly T[]) => Promise<{ ms: number; sum: number }>
  readonly skip?: string
  readonly ref?: string
}

const load1 = (): number => os.loadavg()[0] ?? 0

// ---- the implementations

/** Stage options a row sets (the others keep their defaults). */
interface StageOpts {
  maxInFlight?: number
  batch?: number | 'auto'
}

function viaPoolMap(
  task: string,
  opts: StageOpts = {},
  stage: typeof poolMap = poolMap,
): (items: readonly unknown[]) => Promise<number> {
  return async (items) => {
    let sum = 0
    const options = { workers: WORKERS, execArgv: EXEC_ARGV, ...opts }
    await sz.pipe(
      items,
      stage<unknown, number>(task, options),
      sz.sink((x: number) => {
        sum = (sum + x) % 2 ** 32
      }),
    )
    return sum
  }
}

/** poolMap from the package as tsc builds it, and the hash task compiled to JavaScript; undefined if tsc fails. */
async function publishedPoolMap(): Promise<{ poolMap: typeof poolMap; task: string } | undefined> {
  const dist = compiledSrc()
  const task = compiledFile(HASH_TASK)
  if (dist === undefined || task === undefined) return undefined
  const mod = (await import(pathToFileURL(join(dist, 'pool', 'index.js')).href)) as { poolMap: typeof poolMap }
  return { poolMap: mod.poolMap, task }
}

/** Keep `window` calls of `call` in flight, taking results in input order; sum them (mod 2^32). */
async function windowed<T>(items: readonly T[], window: number, call: (x: T) => Promise<number>): Promise<number> {
  const ring: Promise<number>[] = new Array<Promise<number>>(window)
  let sum = 0
  for (let i = 0; i < items.length; i++) {
    const slot = i % window
    if (i >= window) sum = (sum + (await (ring[slot] as Promise<number>))) % 2 ** 32
    ring[slot] = call(items[i] as T)
  }
  for (let i = Math.max(0, items.length - window); i < items.length; i++)
    sum = (sum + (await (ring[i % window] as Promise<number>))) % 2 ** 32
  return sum
}

/** pool.map on a pool started beforehand and kept across runs. */
function viaSharedPool(pool: Pool, task: string, opts: StageOpts = {}): (items: readonly unknown[]) => Promise<number> {
  return async (items) => {
    let sum = 0
    await sz.pipe(
      items,
      pool.map<unknown, number>(task, opts),
      sz.sink((x: number) => {
        sum = (sum + x) % 2 ** 32
      }),
    )
    return sum
  }
}

function viaPiscina(task: string, window: number): (items: readonly unknown[]) => Promise<number> {
  return async (items) => {
    const pool = new Piscina<unknown, number>({
      filename: task,
      minThreads: WORKERS,
      maxThreads: WORKERS,
      execArgv: EXEC_ARGV,
    })
    try {
      return await windowed(items, window, (x) => pool.run(x))
    } finally {
      await pool.destroy()
    }
  }
}

function viaTinypool(task: string, window: number): (items: readonly unknown[]) => Promise<number> {
  return async (items) => {
    const pool = new Tinypool({ filename: task, minThreads: WORKERS, maxThreads: WORKERS, execArgv: EXEC_ARGV })
    try {
      return await windowed(items, window, (x) => pool.run(x) as Promise<number>)
    } finally {
      await pool.destroy()
    }
  }
}

const HASH_RANGE = fileURLToPath(new URL('./tasks/hash-range.ts', import.meta.url))

function hashRange(from: number, to: number, rounds: number): Promise<{ ms: number; sum: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', HASH_RANGE, String(from), String(to), String(rounds)],
      (err, stdout) => {
        if (err) reject(new Error(`pool bench: ${HASH_RANGE} failed`, { cause: err }))
        else resolve(JSON.parse(stdout) as { ms: number; sum: number })
      },
    )
  })
}

/** The items split between two child processes; the time is the slower child's hashing (no process start-up). */
async function twoProcesses(items: readonly HashItem[]): Promise<{ ms: number; sum: number }> {
  const half = items.length >> 1
  const rounds = items[0]?.rounds ?? 1
  const [a, b] = await Promise.all([hashRange(0, half, rounds), hashRange(half, items.length, rounds)])
  return { ms: Math.max(a.ms, b.ms), sum: (a.sum + b.sum) % 2 ** 32 }
}

async function mainThread(items: readonly HashItem[]): Promise<number> {
  let sum = 0
  await sz.pipe(
    items,
    sz.map(hashWork),
    sz.sink((x: number) => {
      sum = (sum + x) % 2 ** 32
    }),
  )
  return sum
}

// ---- timing

async function timeOnce<T>(impl: Impl<T>, items: readonly T[], expected: number | undefined): Promise<number> {
  forceGc()
  let got: number
  let dt: number
  if (impl.timed !== undefined) {
    const r = await impl.timed(items)
    got = r.sum
    dt = r.ms
  } else {
    const t0 = performance.now()
    got = await (impl.run as (items: readonly T[]) => Promise<number>)(items)
    dt = performance.now() - t0
  }
  if (expected !== undefined && got !== expected)
    throw new Error(`pool bench / ${impl.name}: result ${String(got)} differs from the expected ${String(expected)}`)
  return dt
}

/** One warm-up run each, then `reps` interleaved rounds; with `startItems`, also time runs of those. */
async function measureRows<T>(
  impls: readonly Impl<T>[],
  items: readonly T[],
  warmItems: readonly T[],
  reps: number,
  expected: number,
  log: (s: string) => void,
  startItems?: readonly T[],
): Promise<PoolRow[]> {
  const live = impls.filter((i) => i.run !== undefined || i.timed !== undefined)
  for (const impl of live) if (impl.timed === undefined) await timeOnce(impl, warmItems, undefined)
  const times = new Map<Impl<T>, number[]>(live.map((i) => [i, []]))
  const starts = new Map<Impl<T>, number[]>(live.map((i) => [i, []]))
  for (let r = 0; r < reps; r++) {
    for (const impl of live) {
      ;(times.get(impl) as number[]).push(await timeOnce(impl, items, expected))
      if (startItems !== undefined && r < START_REPS && impl.timed === undefined)
        (starts.get(impl) as number[]).push(await timeOnce(impl, startItems, undefined))
    }
  }
  return impls.map((impl) => {
    const ts = times.get(impl)
    if (ts === undefined) return { name: impl.name, note: impl.note, skip: impl.skip ?? 'skipped' }
    const st = starts.get(impl) as number[]
    const row: PoolRow = {
      name: impl.name,
      note: impl.note,
      ...(impl.ref === undefined ? {} : { ref: impl.ref }),
      ms: median(ts),
      min: Math.min(...ts),
      max: Math.max(...ts),
      reps: ts.length,
      ...(st.length > 0 ? { startMs: median(st) } : {}),
    }
    log(
      `  ${impl.name.padEnd(34)} ${(row.ms ?? 0).toFixed(1).padStart(8)} ms  (n=${String(row.reps)}, ${(row.min ?? 0).toFixed(1)}..${(row.max ?? 0).toFixed(1)})${row.startMs === undefined ? '' : `  1 item: ${row.startMs.toFixed(1)} ms`}`,
    )
    return row
  })
}

/** Rounds of the hash task that take about CPU_TARGET_MS per call in this thread. */
function calibrate(): { rounds: number; ms: number } {
  const probe = (rounds: number, calls: number): number => {
    const t0 = performance.now()
    for (let i = 0; i < calls; i++) hashWork({ i, rounds })
    return (performance.now() - t0) / calls
  }
  probe(100, 50) // warm up
  let rounds = 100
  for (let k = 0; k < 3; k++) {
    const ms = median([probe(rounds, 20), probe(rounds, 20), probe(rounds, 20)])
    rounds = Math.max(1, Math.round((rounds * CPU_TARGET_MS) / ms))
  }
  return { rounds, ms: median([probe(rounds, 25), probe(rounds, 25), probe(rounds, 25)]) }
}

export async function runPoolBench(log: (s: string) => void = () => undefined): Promise<PoolBenchResult> {
  const loadStart = load1()
  const { rounds, ms: calibratedMs } = calibrate()
  log(
    `calibrated: ${String(rounds)} SHA-256 rounds per item, ${calibratedMs.toFixed(2)} ms per call in the main thread`,
  )

  // 1. CPU-bound
  const cpuItems: HashItem[] = Array.from({ length: CPU_ITEMS }, (_, i) => ({ i, rounds }))
  let cpuExpected = 0
  for (const x of cpuItems) cpuExpected = (cpuExpected + hashWork(x)) % 2 ** 32
  const published = await publishedPoolMap()
  const cpuPool = createPool({ workers: WORKERS, execArgv: EXEC_ARGV })
  const cpuImpls: Impl<HashItem>[] = [
    { name: 'map (main thread)', note: 'pipe(items, map(hash), sink(...))', run: mainThread },
    {
      name: `poolMap, workers ${String(WORKERS)}`,
      note: `the defaults: batch 'auto' (about ${String(AUTO_TARGET_MS)} ms of work per message), maxInFlight 2 × workers × batch`,
      run: viaPoolMap(HASH_TASK),
    },
    {
      name: `poolMap, workers ${String(WORKERS)}, as published`,
      note: "the defaults, from the package as tsc builds it (dist/) with the task compiled to JavaScript: a thread starts with no TypeScript to strip (Node's type stripping costs each thread some 30 ms here the first time it meets a .ts file)",
      ...(published === undefined
        ? { skip: 'tsc could not build src/ or the task' }
        : { run: viaPoolMap(published.task, {}, published.poolMap) }),
    },
    {
      name: `poolMap, workers ${String(WORKERS)}, batch 1`,
      note: `one item per message, maxInFlight ${String(DEFAULT_WINDOW)} (the defaults before batching)`,
      run: viaPoolMap(HASH_TASK, { batch: 1 }),
    },
    {
      name: `piscina direct, ${String(WORKERS)} threads`,
      note: `run() with ${String(DEFAULT_WINDOW)} tasks in flight`,
      run: viaPiscina(HASH_TASK, DEFAULT_WINDOW),
    },
    {
      name: `pool.map on a warm pool, workers ${String(WORKERS)}`,
      note: `createPool started before the runs and kept: no start-up, JIT already warm in the workers; batch 'auto'`,
      run: viaSharedPool(cpuPool, HASH_TASK),
    },
    {
      name: 'two processes (reference)',
      note: 'no threads: half the items in each of two child processes, timed inside them (no start-up): what two busy cores give on this machine now',
      timed: twoProcesses,
    },
  ]
  const cpuLoad0 = load1()
  log(`\nCPU-bound: ${CPU_ITEMS.toLocaleString('en-US')} items, ${String(CPU_REPS)} runs each, interleaved`)
  let cpu: PoolRow[]
  try {
    cpu = await measureRows(cpuImpls, cpuItems, cpuItems.slice(0, 200), CPU_REPS, cpuExpected, log, [
      cpuItems[0] as HashItem,
    ])
  } finally {
    await cpuPool.close()
  }
  const cpuLoad: [number, number] = [cpuLoad0, load1()]

  // 2. per-task overhead of x => x
  const idItems = Array.from({ length: OVERHEAD_ITEMS }, (_, i) => i)
  const idExpected = (OVERHEAD_ITEMS * (OVERHEAD_ITEMS - 1)) / 2
  const piscinaRow = (w: number): string => `piscina direct, window ${String(w)}`
  const idImpls: Impl<number>[] = [
    {
      name: 'poolMap (defaults)',
      note: `batch 'auto' (here up to ${String(AUTO_MAX_BATCH)} items per message), maxInFlight 2 × workers × batch; compared with piscina at the old default window`,
      run: viaPoolMap(ID_TASK),
      ref: piscinaRow(DEFAULT_WINDOW),
    },
  ]
  for (const w of [DEFAULT_WINDOW, BIG_WINDOW]) {
    idImpls.push(
      {
        name: `poolMap, batch 1, maxInFlight ${String(w)}`,
        note: w === DEFAULT_WINDOW ? 'one task per message: the defaults before batching' : 'one task per message',
        run: viaPoolMap(ID_TASK, { batch: 1, maxInFlight: w }),
        ref: piscinaRow(w),
      },
      {
        name: `piscina direct, window ${String(w)}`,
        note: `Piscina.run, ${String(w)} in flight`,
        run: viaPiscina(ID_TASK, w),
      },
      {
        name: `tinypool direct, window ${String(w)}`,
        note: `Tinypool.run, ${String(w)} in flight`,
        run: viaTinypool(ID_TASK, w),
      },
    )
  }
  const ovLoad0 = load1()
  log(
    `\nper-task overhead: x => x over ${OVERHEAD_ITEMS.toLocaleString('en-US')} items, ${String(OVERHEAD_REPS)} runs each, interleaved`,
  )
  const overhead = await measureRows(idImpls, idItems, idItems.slice(0, 2000), OVERHEAD_REPS, idExpected, log, [0])
  const overheadLoad: [number, number] = [ovLoad0, load1()]

  // 3. the same on warm pools, started once and kept across runs: the cost per task alone
  const shared = createPool({ workers: WORKERS, execArgv: EXEC_ARGV })
  const piscina = new Piscina<unknown, number>({
    filename: ID_TASK,
    minThreads: WORKERS,
    maxThreads: WORKERS,
    execArgv: EXEC_ARGV,
  })
  const tinypool = new Tinypool({ filename: ID_TASK, minThreads: WORKERS, maxThreads: WORKERS, execArgv: EXEC_ARGV })
  const warmLoad0 = load1()
  let warm: PoolRow[]
  try {
    const warmImpls: Impl<number>[] = [
      {
        name: 'pool.map (defaults)',
        note: `createPool({ workers: ${String(WORKERS)} }) shared by the runs; batch 'auto'`,
        run: viaSharedPool(shared, ID_TASK),
        ref: piscinaRow(DEFAULT_WINDOW),
      },
    ]
    for (const w of [DEFAULT_WINDOW, BIG_WINDOW]) {
      warmImpls.push(
        {
          name: `pool.map, batch 1, maxInFlight ${String(w)}`,
          note: `createPool({ workers: ${String(WORKERS)} }) shared by the runs; one task per message`,
          run: viaSharedPool(shared, ID_TASK, { batch: 1, maxInFlight: w }),
          ref: piscinaRow(w),
        },
        {
          name: `piscina direct, window ${String(w)}`,
          note: `one Piscina shared by the runs`,
          run: (items) => windowed(items, w, (x) => piscina.run(x)),
        },
        {
          name: `tinypool direct, window ${String(w)}`,
          note: `one Tinypool shared by the runs`,
          run: (items) => windowed(items, w, (x) => tinypool.run(x) as Promise<number>),
        },
      )
    }
    log(
      `\nper-task cost on warm pools: x => x over ${OVERHEAD_ITEMS.toLocaleString('en-US')} items, ${String(WARM_REPS)} runs each, interleaved`,
    )
    warm = await measureRows(warmImpls, idItems, idItems.slice(0, 2000), WARM_REPS, idExpected, log)
  } finally {
    await shared.close()
    await piscina.destroy()
    await tinypool.destroy()
  }
  const warmLoad: [number, number] = [warmLoad0, load1()]

  const cpus = os.cpus()
  return {
    node: process.version,
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    loadStart,
    loadEnd: load1(),
    rounds,
    calibratedMs,
    cpu,
    cpuLoad,
    overhead,
    overheadLoad,
    warm,
    warmLoad,
  }
}

// ---- report

const f1 = (x: number | undefined): string =>
  x === undefined ? '–' : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0)
const pass = (ok: boolean): string => (ok ? 'PASS' : 'MISS')
/** x to 2 decimals; where that would round it onto the other side of `target`, to 3, rounded away from it. */
const near = (x: number, target: number): string => {
  const two = x.toFixed(2)
  if (Number(two) >= target === x >= target && Number(two) <= target === x <= target) return two
  return (x < target ? Math.floor(x * 1000) / 1000 : Math.ceil(x * 1000) / 1000).toFixed(3)
}

/** Per-task µs of a row: whole run / items, and after the start-up (1-item run) is taken off. */
function perTask(r: PoolRow): { whole?: number; marginal?: number } {
  if (r.ms === undefined) return {}
  return {
    whole: (r.ms * 1000) / OVERHEAD_ITEMS,
    ...(r.startMs === undefined ? {} : { marginal: ((r.ms - r.startMs) * 1000) / (OVERHEAD_ITEMS - 1) }),
  }
}

export function poolLines(r: PoolBenchResult): string[] {
  const out: string[] = [
    `${String(r.cpus)} CPUs (${r.cpuModel}), Node ${r.node}, ${r.date}; 1-minute load average ${r.loadStart.toFixed(2)} at the start, ${r.loadEnd.toFixed(2)} at the end (other work on the machine takes cores from the workers). Each row starts its pool and tears the threads down inside the timing.`,
    '',
    `### CPU-bound: ${CPU_ITEMS.toLocaleString('en-US')} items of ~${String(CPU_TARGET_MS)} ms hashing (${String(r.rounds)} chained SHA-256 rounds over 1 KiB, in JavaScript; ${r.calibratedMs.toFixed(2)} ms per call when calibrated), ${String(r.cpus)} cores, load ${r.cpuLoad[0].toFixed(2)} → ${r.cpuLoad[1].toFixed(2)}`,
    '',
    `The hash is written in JavaScript (bench/tasks/hash.ts): node:crypto's createHash contends between threads of one process, which would measure OpenSSL's locks rather than the pool. A \`poolMap\` row starts fresh threads in every run, so its time includes their start-up and the workers' JIT warm-up; the warm row shows the pool once both are done. With its defaults (\`batch: 'auto'\`) the stage sends one item per message until the workers have reported how long items take, then as many as make about ${String(AUTO_TARGET_MS)} ms of work per message, so the cost of each message (copying, waking threads, piscina's bookkeeping) is paid a few times less often; the \`batch: 1\` row sends one item per message, as piscina direct does. The last row is a reference for the machine itself: the same items split between two separate processes, timed inside them, so it is the most two busy cores give here at that moment (on a shared VM it is often well under 2x). "After start-up" takes the median of runs with 1 item (starting the threads, one task, teardown) off both times; "fastest runs" divides the minima instead of the medians, a check on the medians when other work shares the cores.`,
    '',
    '| implementation | median ms | min–max ms | runs | 1-item run ms | ms per item | speedup over map | speedup after start-up | speedup, fastest runs | notes |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ]
  const baseRow = r.cpu.find((x) => x.name.startsWith('map'))
  const base = baseRow?.ms
  for (const row of r.cpu) {
    if (row.ms === undefined) {
      out.push(`| ${row.name} | – | – | – | – | – | – | – | – | skipped: ${row.skip ?? ''} |`)
      continue
    }
    const spMin = baseRow?.min === undefined || row.min === undefined ? undefined : baseRow.min / row.min
    const sp = base === undefined ? undefined : base / row.ms
    const spStart =
      base === undefined || baseRow?.startMs === undefined || row.startMs === undefined
        ? undefined
        : (base - baseRow.startMs) / (row.ms - row.startMs)
    const isPool = row.name.startsWith('poolMap') || row.name.startsWith('pool.map')
    const spText =
      sp === undefined
        ? '–'
        : `${near(sp, CPU_SPEEDUP_TARGET)}x${isPool ? ` (target ≥ ${String(CPU_SPEEDUP_TARGET)}: ${pass(sp >= CPU_SPEEDUP_TARGET)})` : ''}`
    out.push(
      `| ${isPool ? `**${row.name}**` : row.name} | ${f1(row.ms)} | ${f1(row.min)}–${f1(row.max)} | ${String(row.reps)} | ${f1(row.startMs)} | ${(row.ms / CPU_ITEMS).toFixed(2)} | ${spText} | ${spStart === undefined ? '–' : `${spStart.toFixed(2)}x`} | ${spMin === undefined ? '–' : `${spMin.toFixed(2)}x`} | ${row.note} |`,
    )
  }
  out.push(
    '',
    `### Per-task overhead: x => x over ${OVERHEAD_ITEMS.toLocaleString('en-US')} items, ${String(WORKERS)} threads, ${String(r.cpus)} cores, load ${r.overheadLoad[0].toFixed(2)} → ${r.overheadLoad[1].toFixed(2)}`,
    '',
    '"µs per task" is the whole run (start, 20,000 tasks, teardown) divided by the items; "after start-up" first takes off the median of runs with 1 item. The ratio compares each poolMap row with piscina called directly, one task per `run()`: the rows with `batch: 1` with the same number of tasks in flight, the default row (which batches, so its window grows with the batch) with the window of 4 that was the default before batching. Batching is what a caller of piscina would have to write by hand.',
    '',
    '| implementation | median ms | min–max ms | runs | 1-item run ms | µs per task | µs per task after start-up | poolMap / piscina direct | notes |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  )
  for (const row of r.overhead) {
    if (row.ms === undefined) {
      out.push(`| ${row.name} | – | – | – | – | – | – | – | skipped: ${row.skip ?? ''} |`)
      continue
    }
    const t = perTask(row)
    let ratio = ''
    if (row.ref !== undefined) {
      const ref = r.overhead.find((x) => x.name === row.ref)
      const rt = ref === undefined ? {} : perTask(ref)
      if (t.whole !== undefined && rt.whole !== undefined) {
        const q = t.whole / rt.whole
        const qm = t.marginal !== undefined && rt.marginal !== undefined ? t.marginal / rt.marginal : undefined
        const qf = row.min !== undefined && ref?.min !== undefined ? row.min / ref.min : undefined
        ratio = `${near(q, OVERHEAD_TARGET)} (target ≤ ${String(OVERHEAD_TARGET)}: ${pass(q <= OVERHEAD_TARGET)})${qm === undefined ? '' : `; after start-up ${qm.toFixed(2)}`}${qf === undefined ? '' : `; fastest runs ${qf.toFixed(2)}`}`
      }
    }
    out.push(
      `| ${row.name.startsWith('poolMap') ? `**${row.name}**` : row.name} | ${f1(row.ms)} | ${f1(row.min)}–${f1(row.max)} | ${String(row.reps)} | ${f1(row.startMs)} | ${f1(t.whole)} | ${f1(t.marginal)} | ${ratio} | ${row.note} |`,
    )
  }
  out.push(
    '',
    `### Per-task cost on warm pools: x => x over ${OVERHEAD_ITEMS.toLocaleString('en-US')} items, ${String(WORKERS)} threads, ${String(r.cpus)} cores, load ${r.warmLoad[0].toFixed(2)} → ${r.warmLoad[1].toFixed(2)}`,
    '',
    "Each pool is started once and kept across the runs, so no start-up or teardown is timed: what a task costs on its way through the pool and back. `pool.map` on a shared pool runs the same stage as `poolMap`, and also registers each message with the cancel switch of its stage (a shared pool cannot be torn down to cancel a stage). The default row batches (`batch: 'auto'`); the others send one task per message, compared with piscina at the same window.",
    '',
    '| implementation | median ms | min–max ms | runs | µs per task | pool.map / piscina direct | fastest runs | notes |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  )
  for (const row of r.warm) {
    if (row.ms === undefined) {
      out.push(`| ${row.name} | – | – | – | – | – | – | skipped: ${row.skip ?? ''} |`)
      continue
    }
    let ratio = ''
    let fastest = ''
    if (row.ref !== undefined) {
      const ref = r.warm.find((x) => x.name === row.ref)
      if (ref?.ms !== undefined) {
        const q = row.ms / ref.ms
        ratio = `${near(q, OVERHEAD_TARGET)} (target ≤ ${String(OVERHEAD_TARGET)}: ${pass(q <= OVERHEAD_TARGET)})`
      }
      if (row.min !== undefined && ref?.min !== undefined) fastest = (row.min / ref.min).toFixed(2)
    }
    out.push(
      `| ${row.name.startsWith('pool.map') ? `**${row.name}**` : row.name} | ${f1(row.ms)} | ${f1(row.min)}–${f1(row.max)} | ${String(row.reps)} | ${f1((row.ms * 1000) / OVERHEAD_ITEMS)} | ${ratio} | ${fastest} | ${row.note} |`,
    )
  }
  return out
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const json = process.argv.includes('--json')
  const r = await runPoolBench(json ? (s) => console.error(s) : (s) => console.log(s))
  if (json) console.log(RESULT_MARK + JSON.stringify(r))
  else console.log(`\n${poolLines(r).join('\n')}`)
  // Every row tore its threads down: the process must now exit by itself. If a worker is left
  // alive, say so and fail instead of hanging.
  setTimeout(() => {
    console.error('pool bench: worker threads still alive 5 s after the end')
    process.exit(1)
  }, 5000).unref()
}
