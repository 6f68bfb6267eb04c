// `npm start`: the streaming mean from the Streamz blog post, on streamz-ts.
//
// A writer drops a small CSV file (name,amount) into a temporary folder a few times a second. A
// pipeline watches the folder with files(), parses each new file, and tees the batches into two
// branches: one keeps a running (sum, count) with accumulate and prints the running mean, one
// prints an ALERT for every amount above a threshold, and one turns the rows into Polars frames
// (streamz-ts/frame) and prints the running mean amount per name. After --duration (default 10s) an
// AbortSignal stops everything, the folder is removed and the process exits with code 0.
//
//   npm start                      # about 10 seconds
//   npm start -- --duration 3s     # any duration: 500ms, 3s, 1m, ...

import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { parseArgs } from 'node:util'
import pl from 'nodejs-polars'
import { pipe, files, periodic, map, tee, accumulate, flatten, filter, sink, parseDuration } from '../src/index.js'
import { toFrame } from '../src/frame/index.js'
import { progress } from '../src/see/index.js'

interface Row {
  name: string
  amount: number
}
interface Batch {
  file: string
  rows: Row[]
}

const THRESHOLD = 95
const NAMES = ['alice', 'bob', 'carol', 'dan', 'erin']

function options(): { durationMs: number; intervalMs: number } {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10s' },
      interval: { type: 'string', default: '250ms' },
    },
  })
  return { durationMs: parseDuration(values.duration), intervalMs: parseDuration(values.interval) }
}

function randomCsv(rows: number): string {
  const lines = ['name,amount']
  for (let i = 0; i < rows; i++) {
    const name = NAMES[Math.floor(Math.random() * NAMES.length)] ?? 'anon'
    lines.push(`${name},${(Math.random() * 100).toFixed(2)}`)
  }
  return lines.join('\n') + '\n'
}

function parseCsv(text: string): Row[] {
  const [header, ...lines] = text.trim().split('\n')
  if (header !== 'name,amount') throw new Error(`unexpected CSV header: ${header ?? '(empty file)'}`)
  return lines.map((line) => {
    const [name = '', amount = ''] = line.split(',')
    return { name, amount: Number(amount) }
  })
}

async function main(): Promise<void> {
  const { durationMs, intervalMs } = options()
  const dir = await mkdtemp(join(tmpdir(), 'streamz-demo-'))
  const stop = new AbortController()
  console.log(`streamz-ts demo: a CSV file every ${intervalMs} ms into ${dir}, for ${durationMs / 1000} s`)

  // the producer: write a file atomically (a dot-file renamed into place), a few times a second
  let written = 0
  let writing: Promise<void> = Promise.resolve()
  const writeBatch = async (): Promise<void> => {
    const name = `batch-${String(written + 1).padStart(4, '0')}.csv`
    const tmp = join(dir, `.${name}.tmp`)
    await writeFile(tmp, randomCsv(1 + Math.floor(Math.random() * 5)))
    await rename(tmp, join(dir, name))
    written++
  }
  const writer = pipe(
    periodic(() => (writing = writeBatch()), intervalMs, { signal: stop.signal }),
    sink(() => undefined),
  )

  // the pipeline: new files -> parsed batches -> three branches
  const batches = pipe(
    files(dir, { pollInterval: '100ms', signal: stop.signal }),
    map(async function readBatch(path: string): Promise<Batch> {
      return { file: basename(path), rows: parseCsv(await readFile(path, 'utf8')) }
    }),
  )
  const [forMean, forAlerts, forFrames] = tee(batches, 3)

  const meanStream = pipe(
    forMean,
    accumulate(
      function runningSum(s: { files: number; sum: number; count: number; last: string }, batch: Batch) {
        return {
          files: s.files + 1,
          sum: s.sum + batch.rows.reduce((total, row) => total + row.amount, 0),
          count: s.count + batch.rows.length,
          last: batch.file,
        }
      },
      { start: { files: 0, sum: 0, count: 0, last: '' } },
    ),
  )
  const alertStream = pipe(
    forAlerts,
    map(function withFile(batch: Batch) {
      return batch.rows.map((row) => ({ ...row, file: batch.file }))
    }),
    flatten(),
    filter(function overThreshold(row: Row & { file: string }) {
      return row.amount > THRESHOLD
    }),
  )

  // the frame stage: each file's rows become one Polars chunk; a running groupby mean by name
  const example = pl.DataFrame({ name: [], amount: [] }, { schema: { name: pl.String, amount: pl.Float64 } })
  const byName = toFrame(
    pipe(
      forFrames,
      map(function rowsOf(batch: Batch) {
        return batch.rows
      }),
    ),
    { example },
  )
    .groupBy('name')
    .col('amount')
    .mean()

  // a live table of every stage on stderr (streamz-ts/see), redrawn in place on a terminal and a
  // line every few seconds otherwise; on a terminal our own lines are printed above it
  const shown = progress([meanStream, alertStream], { interval: process.stderr.isTTY ? '250ms' : '2s' })
  const say = process.stdout.isTTY && process.stderr.isTTY ? shown.log : (line: string) => console.log(line)

  const means = pipe(
    meanStream,
    sink((s) => {
      say(`${s.last}  running mean ${(s.sum / s.count).toFixed(2)} over ${s.count} rows in ${s.files} files`)
    }),
  )
  const alerts = pipe(
    alertStream,
    sink((row) => {
      say(`ALERT  ${row.file}: ${row.name} spent ${row.amount.toFixed(2)} (threshold ${THRESHOLD})`)
    }),
  )

  const frames = pipe(
    byName.stream,
    sink((df: pl.DataFrame) => {
      const means = (df.toRecords() as { name: string; amount: number }[]).map(
        (r) => `${r.name} ${r.amount.toFixed(2)}`,
      )
      say(`FRAME  mean amount by name: ${means.join(', ')}`)
    }),
  )

  // the clock starts once everything is set up (building the frame stage loads Polars, which can take a
  // moment on a busy machine)
  const timer = setTimeout(() => {
    stop.abort(new Error('demo time is up'))
  }, durationMs)
  try {
    const results = await Promise.allSettled([writer, means, alerts, frames])
    // the abort ends every branch with the abort reason: that is the normal way out
    const failure = results.find((r) => r.status === 'rejected' && r.reason !== stop.signal.reason)
    if (failure?.status === 'rejected') throw failure.reason as Error
    shown.stop() // the last frame of the table, then our last line below it
    console.log(`done: ${written} files written; stopped after ${durationMs / 1000} s`)
  } finally {
    shown.stop()
    clearTimeout(timer)
    stop.abort(new Error('demo finished'))
    await writing.catch(() => undefined) // let a write in progress finish before removing the folder
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
