// streamz-ts benchmarks: the workloads W1..W5 for streamz-ts and its peers side by side in one
// run, the memory of streamz-ts on W1 and W3, the tee bench, and the pool bench (bench/pool.bench.ts).
//
//   npm run bench               everything; writes docs/benchmarks.md
//   npm run bench -- W1 W3      only those workloads (W1 W2 W2b W3 W4 W5 mem tee pool); docs untouched
//   npm run bench -- pool       only the pool bench; replaces its section of docs/benchmarks.md
//   npm run bench -- frame      only the frame bench (bench/frame.bench.ts); replaces its section likewise
//   npm run bench -- kafka      the Kafka bench (only when named: it starts a broker); docs untouched
//   npm run bench -- W3 --impl=streamz-ts,fused    only those implementations (for profiling)
//   BENCH_MS=600 npm run bench  time budget per implementation and workload (default 1200 ms)
//   BENCH_SLOW=1 npm run bench  also time ix on W2b (about a minute per run)
//
// Exits 1 when an implementation's result differs from the expected one; PASS/MISS against
// the targets is information only.

import { readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { type Budget, type Row, type Workload, fmtMiB, measure, runChild } from './harness.js'
import { WORKLOADS } from './workloads.js'
import { teeLines, type TeeResult } from './tee.bench.js'
import { runMemoryCases, type MemOutcome } from './memory.bench.js'
import { poolLines, type PoolBenchResult } from './pool.bench.js'
import { frameLines, type FrameBenchResult } from './frame.bench.js'
import { kafkaLines, type KafkaBenchResult } from './kafka.bench.js'

const MEM_TARGET_MIB = 10
const ALL = [...WORKLOADS.map((w) => w.id), 'mem', 'tee', 'pool', 'frame', 'kafka']
// runs only when named: it starts a Kafka broker (bench/kafka.bench.ts)
const ON_REQUEST = new Set(['kafka'])
const POOL_HEADING = '## Pool: worker threads (streamz-ts/pool)'
const FRAME_HEADING = '## Frames: streaming DataFrames (streamz-ts/frame)'

const args = process.argv.slice(2)
const write = args.includes('--write')
const picked = args.filter((a) => !a.startsWith('--'))
// --impl=streamz-ts,fused keeps only those implementations (handy under --cpu-prof)
const implArg = args.find((a) => a.startsWith('--impl='))
const onlyImpls = implArg === undefined ? undefined : new Set(implArg.slice('--impl='.length).split(','))
const selected = new Set<string>()
for (const a of picked) {
  const id = ALL.find((x) => x.toLowerCase() === a.toLowerCase())
  if (id === undefined) {
    console.error(`bench: unknown workload ${a}; choose from ${ALL.join(', ')}`)
    process.exit(2)
  }
  selected.add(id)
}
const full = selected.size === 0 && onlyImpls === undefined
if (selected.size === 0) for (const id of ALL) if (!ON_REQUEST.has(id)) selected.add(id)
// memory runs belong to W1 and W3: picking one of those runs its memory rows too
const memIds = new Set([...selected].filter((id) => id === 'W1' || id === 'W3'))
if (selected.has('mem')) {
  memIds.add('W1')
  memIds.add('W3')
}

const budget: Budget = { msPerImpl: Number(process.env.BENCH_MS ?? 1200), minReps: 3, maxReps: 40, capMs: 6000 }
const cpus = os.cpus()
const env = {
  node: process.version,
  v8: process.versions.v8,
  cpus: os.availableParallelism(),
  cpuModel: cpus[0]?.model.trim() ?? 'unknown',
  platform: `${os.platform()} ${os.arch()}`,
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  loadStart: os.loadavg()[0] ?? 0,
}
const load = (): string => (os.loadavg()[0] ?? 0).toFixed(2)
const log = (s: string): void => console.log(s)
log(
  `streamz-ts bench — Node ${env.node} (V8 ${env.v8}), ${String(env.cpus)} CPUs (${env.cpuModel}), ${env.platform}, ${env.date}, load average ${load()}`,
)
log(
  `budget: ~${String(budget.msPerImpl)} ms of timed runs per implementation, ${String(budget.minReps)}..${String(budget.maxReps)} runs (fewer, at least 1, for runs slower than ${String(budget.capMs / budget.minReps)} ms), median reported`,
)

interface Done {
  readonly w: Workload
  readonly rows: Row[]
}

const f2 = (x: number | undefined): string =>
  x === undefined ? '–' : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0)
const ratio = (x: number | undefined): string => (x === undefined ? '–' : x.toFixed(x < 0.1 ? 3 : 2))
const status = (ok: boolean | undefined): string => (ok === undefined ? '–' : ok ? 'PASS' : 'MISS')

function workloadTable(d: Done): string[] {
  const lines = [
    `### ${d.w.id}: ${d.w.title}`,
    '',
    '| implementation | median ms | min–max ms | runs | ratio to fused | notes |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
  ]
  for (const r of d.rows) {
    const isSz = r.name === 'streamz-ts'
    const name = isSz ? '**streamz-ts**' : r.name
    if (r.ms === undefined) {
      lines.push(`| ${name} | – | – | – | – | skipped: ${r.skip ?? ''} |`)
      continue
    }
    const target =
      isSz && r.ratio !== undefined ? ` (target ≤ ${String(d.w.target)}: ${status(r.ratio <= d.w.target)})` : ''
    lines.push(
      `| ${name} | ${f2(r.ms)} | ${f2(r.min)}–${f2(r.max)} | ${String(r.reps)} | ${ratio(r.ratio)}${target} | ${r.note ?? ''} |`,
    )
  }
  return lines
}

/** `instrument()` may cost W1 less than this factor (issue 6). */
const INSTRUMENT_TARGET = 1.1

function summaryTable(done: Done[]): string[] {
  const lines = [
    '| workload | streamz-ts ms | fused ms | sync ms | streamz-ts / fused | target | status | ratio of the fastest runs |',
    '| --- | ---: | ---: | ---: | ---: | ---: | :---: | ---: |',
  ]
  for (const d of done) {
    const by = (n: string): Row | undefined => d.rows.find((r) => r.name === n)
    const s = by('streamz-ts')
    const fused = by('fused')
    const sync = by('sync')
    const st =
      s?.ratio === undefined ? `skipped${s?.skip !== undefined ? ` (${s.skip})` : ''}` : status(s.ratio <= d.w.target)
    const minRatio = s?.min !== undefined && fused?.min !== undefined ? s.min / fused.min : undefined
    lines.push(
      `| ${d.w.id} | ${f2(s?.ms)} | ${f2(fused?.ms)} | ${f2(sync?.ms)} | ${ratio(s?.ratio)} | ≤ ${String(d.w.target)} | ${st} | ${ratio(minRatio)} |`,
    )
  }
  return lines
}

/** The cost of `instrument()` (issue 6): W1 instrumented against W1 plain, medians of the same run. */
function instrumentOverhead(done: Done[]): string | undefined {
  const w1 = done.find((d) => d.w.id === 'W1')
  const plain = w1?.rows.find((r) => r.name === 'streamz-ts')
  const seen = w1?.rows.find((r) => r.name === 'streamz-ts instrumented')
  if (plain?.ms === undefined || seen?.ms === undefined) return undefined
  const q = seen.ms / plain.ms
  return `Instrumentation overhead (streamz-ts/see \`instrument()\`): W1 instrumented / W1 plain = ${q.toFixed(3)} (medians; target < ${String(INSTRUMENT_TARGET)}: ${status(q < INSTRUMENT_TARGET)}).`
}

function memoryTable(rows: MemOutcome[]): string[] {
  const lines = [
    `| workload | implementation | peak RSS growth (MiB) | peak heapUsed growth (MiB) | peak live heap growth (MiB) | RSS and live heap ≤ ${String(MEM_TARGET_MIB)} MiB |`,
    '| --- | --- | ---: | ---: | ---: | :---: |',
  ]
  const limit = MEM_TARGET_MIB * 1024 * 1024
  for (const m of rows) {
    if (m.r === undefined) {
      lines.push(`| ${m.workload} | ${m.name} | – | – | – | skipped: ${m.skip ?? ''} |`)
      continue
    }
    // the target is on memory the process takes (RSS) and holds (live heap); raw heapUsed is shown
    // for information, as it mostly counts young-generation garbage awaiting a scavenge
    const ok = m.r.rss <= limit && m.r.liveHeap <= limit
    lines.push(
      `| ${m.workload} | ${m.name === 'streamz-ts' ? '**streamz-ts**' : m.name} | ${fmtMiB(m.r.rss)} | ${fmtMiB(m.r.heapUsed)} | ${fmtMiB(m.r.liveHeap)} | ${m.name === 'streamz-ts' ? status(ok) : '(reference)'} |`,
    )
  }
  return lines
}

async function main(): Promise<void> {
  const t0 = performance.now()
  const done: Done[] = []
  for (const { id, build } of WORKLOADS) {
    if (!selected.has(id)) continue
    const built = build()
    const w = onlyImpls === undefined ? built : { ...built, impls: built.impls.filter((i) => onlyImpls.has(i.name)) }
    log(`\n${w.id}: ${w.title}`)
    done.push({ w, rows: await measure(w, budget, log) })
  }

  let mem: MemOutcome[] = []
  if (memIds.size > 0) {
    log('\nmemory (each case in a fresh process; baseline after a forced gc, peaks sampled during the run)')
    mem = await runMemoryCases(memIds)
    for (const m of mem) {
      if (m.r === undefined) log(`  ${m.workload} ${m.name}: skipped: ${m.skip ?? ''}`)
      else
        log(
          `  ${m.workload} ${m.name.padEnd(12)} rss +${fmtMiB(m.r.rss)} MiB, heapUsed +${fmtMiB(m.r.heapUsed)} MiB, live heap +${fmtMiB(m.r.liveHeap)} MiB`,
        )
    }
  }

  let tee: TeeResult | undefined
  if (selected.has('tee')) {
    log('\ntee bench (in a fresh process)')
    tee = await runChild<TeeResult>(fileURLToPath(new URL('./tee.bench.ts', import.meta.url)), ['--json'])
    log(teeLines(tee).join('\n'))
  }

  let pool: PoolBenchResult | undefined
  if (selected.has('pool')) {
    log('\npool bench (in a fresh process; about three minutes)')
    pool = await runChild<PoolBenchResult>(fileURLToPath(new URL('./pool.bench.ts', import.meta.url)), ['--json'])
  }

  let frame: FrameBenchResult | undefined
  if (selected.has('frame')) {
    log('\nframe bench (in a fresh process; Python Streamz in a child of it)')
    frame = await runChild<FrameBenchResult>(fileURLToPath(new URL('./frame.bench.ts', import.meta.url)), ['--json'])
  }

  let kafka: KafkaBenchResult | undefined
  if (selected.has('kafka')) {
    log('\nkafka bench (in a fresh process, with its own broker)')
    kafka = await runChild<KafkaBenchResult>(fileURLToPath(new URL('./kafka.bench.ts', import.meta.url)), ['--json'])
  }

  const out: string[] = []
  if (done.length > 0) out.push('## Summary: streamz-ts against the fused floor', '', ...summaryTable(done), '')
  const overhead = instrumentOverhead(done)
  if (overhead !== undefined) {
    log(`\n${overhead}`)
    out.push(overhead, '')
  }
  for (const d of done) out.push(...workloadTable(d), '')
  if (mem.length > 0) out.push('## Memory: streamz-ts on W1 and W3', '', ...memoryTable(mem), '')
  if (tee !== undefined) {
    out.push(
      `## tee: a slow and a fast branch`,
      '',
      `${tee.items.toLocaleString('en-US')} items from a lazy generator, \`tee(source, 2, { highWaterMark: ${String(tee.highWaterMark)} })\`; one branch sleeps 1 ms (real setTimeout) every 100 items, the other takes items as fast as it can.`,
      '',
      ...teeLines(tee),
      '',
    )
  }
  const poolSection = pool === undefined ? [] : [POOL_HEADING, '', ...poolLines(pool), '']
  out.push(...poolSection)
  const frameSection = frame === undefined ? [] : [FRAME_HEADING, '', ...frameLines(frame), '']
  out.push(...frameSection)
  if (kafka !== undefined)
    out.push('## Kafka: consume → map → produce with acks (streamz-ts/kafka)', '', ...kafkaLines(kafka), '')
  const elapsed = (performance.now() - t0) / 1000
  log(`\n${out.join('\n')}`)
  log(
    `total ${elapsed.toFixed(0)} s; 1-minute load average ${env.loadStart.toFixed(2)} at the start, ${load()} at the end`,
  )

  if (write) {
    const file = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url))
    if (full) {
      writeFileSync(file, doc(out, elapsed))
      log(`\nwrote ${file}`)
    } else if (selected.size === 1 && (pool !== undefined || frame !== undefined)) {
      // the pool (or frame) bench alone replaces (or appends) its own section and leaves the rest as it is
      const [heading, section] = pool !== undefined ? [POOL_HEADING, poolSection] : [FRAME_HEADING, frameSection]
      const text = readFileSync(file, 'utf8')
      const at = text.indexOf(heading)
      const end = at < 0 ? -1 : text.indexOf('\n## ', at + heading.length)
      const head = at < 0 ? `${text.trimEnd()}\n\n` : text.slice(0, at)
      writeFileSync(file, head + section.join('\n') + (end < 0 ? '' : text.slice(end + 1)))
      log(`\nwrote the ${pool !== undefined ? 'pool' : 'frame'} section of ${file}`)
    } else log('\n--write ignored: only a full run (no workload or --impl named) rewrites docs/benchmarks.md')
  }
}

function doc(body: string[], elapsed: number): string {
  return [
    '# Benchmarks',
    '',
    'Generated by `npm run bench` (`node --import tsx --expose-gc bench/index.ts --write`); do not edit by hand.',
    '',
    `- Node ${env.node} (V8 ${env.v8}), ${env.platform}`,
    `- ${String(env.cpus)} CPUs: ${env.cpuModel}`,
    `- Date: ${env.date}; the whole run took ${elapsed.toFixed(0)} s`,
    `- 1-minute load average ${env.loadStart.toFixed(2)} at the start, ${load()} at the end (other work on the machine makes times noisier; compare ratios within one run)`,
    '',
    'How to read this:',
    '',
    '- Each time is the median of several runs (after warm-up runs), with a forced gc before each run;',
    '  the implementations of a workload are timed in interleaved rounds, so noise on the shared machine',
    '  spreads over all of them. The "runs" column says how many timed runs the median is over.',
    '- "fused" is the floor for an async pipeline: one hand-written async generator doing the whole',
    '  workload in one loop, one promise per delivered element, consumed by `for await` (for W2: a minimal',
    '  hand-written channel where the producer awaits a promise per item). "sync" is a plain loop.',
    '  The ratio is median / median of "fused" in the same run: below 1 is faster than a hand-written',
    '  async generator.',
    '- Every implementation must produce the same result as the sync loop; the bench fails if one does not.',
    '- PASS/MISS compares streamz-ts with its target ratio (of medians); it is information, not a gate.',
    '  "Ratio of the fastest runs" divides the minima instead: a check on the medians when the machine is busy.',
    '- Memory: peak growth of RSS and heapUsed over a baseline taken after a forced gc, sampled every',
    '  4,096 delivered elements (and from a 2 ms timer). "Live heap" repeats the run with a forced gc',
    '  every 20,000 elements before sampling: what is really held, without garbage awaiting collection.',
    '  The raw heapUsed peak mostly measures garbage that has not been collected yet (V8 lets the young',
    '  generation fill up to its semi-space size before a scavenge), which is why "fused", which holds',
    '  nothing, shows about the same figure. The target is therefore checked on RSS and on the live heap.',
    '  Each memory case runs in a fresh process.',
    '- Peers are used as their documentation suggests; where a library lacks a piece, the row says what',
    '  stands in for it, or why it is skipped. `@most/core` has no array source in its API, so the bench',
    '  uses the usual `newStream` + `asap` one. ix on W2b is not timed by default (see its row).',
    '- Run one workload with `npm run bench -- W3` (W1 W2 W2b W3 W4 W5 mem tee pool frame); only a full run rewrites',
    '  this file, except `npm run bench -- pool` (or `frame`), which replaces that section alone.',
    '  `npm run bench -- W3 --impl=streamz-ts,fused` keeps only those rows (for `node --cpu-prof`).',
    '',
    ...body,
  ].join('\n')
}

try {
  await main()
} catch (e) {
  console.error('\nbench FAILED:', e)
  process.exitCode = 1
}
