// Kafka bench: end-to-end records/s of consume → transform → produce with at-least-once commits,
// streamz-ts (`fromKafka → map → toKafka`, acks carried to the produce) against the raw
// @platformatic/kafka client doing the same with manual commits, on the same broker in one run,
// in interleaved rounds. Timed from the first record each receives (after joining the group) to
// the last one produced and acknowledged (committed, for the raw loop). streamz-ts runs compiled
// by tsc (as published; into .cache/bench-dist) and, for comparison, from src/ under tsx. The
// broker is the tests' (test/kafka/broker.ts: Kafka 4.1 from Maven Central jars, or KAFKA_BROKERS).
//
//   npm run bench -- kafka                          (through bench/index.ts)
//   node --import tsx --expose-gc bench/kafka.bench.ts   (alone)
//   KAFKA_BENCH_RECORDS=100000 KAFKA_BENCH_ROUNDS=5 (defaults 50000 and 3)

import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { performance } from 'node:perf_hooks'
import { Consumer, Producer, type Message } from '@platformatic/kafka'
import { map, pipe } from '../src/index.js'
import { withAck } from '../src/internal/ack.js'
import { fromKafka, toKafka } from '../src/sources/kafka/index.js'
import { startBroker } from '../test/kafka/broker.js'
import { createTopic, offsets, unique } from '../test/kafka/helpers.js'
import { RESULT_MARK, compiledSrc, median } from './harness.js'

export const KAFKA_TARGET = 0.8

export interface KafkaBenchResult {
  records: number
  rounds: number
  partitions: number
  valueBytes: number
  /** records/s of each run */
  streamz: number[]
  raw: number[]
  /** records per CPU-second of this Node process (user + system) over the same window */
  streamzCpu: number[]
  rawCpu: number[]
  /** the same streamz-ts pipeline run from src/ under tsx (empty when it was the only one) */
  tsx: number[]
  tsxCpu: number[]
  /** 'tsc' when the streamz-ts rows ran on the compiled package, 'tsx' when on src/ */
  build: 'tsc' | 'tsx'
  skip?: string
}

const transform = (v: Buffer): Buffer => {
  // a small per-record transform both sides do: upper-case the ASCII payload
  const out = Buffer.allocUnsafe(v.length)
  for (let i = 0; i < v.length; i++) {
    const c = v[i] ?? 0
    out[i] = c >= 97 && c <= 122 ? c - 32 : c
  }
  return out
}

async function fill(brokers: string, topic: string, n: number, bytes: number): Promise<void> {
  const producer = new Producer({ clientId: 'bench-fill', bootstrapBrokers: [brokers], acks: -1, idempotent: true })
  const value = Buffer.alloc(bytes, 'abcdefghij')
  try {
    for (let i = 0; i < n; i += 2000) {
      const messages = []
      for (let j = i; j < Math.min(n, i + 2000); j++) messages.push({ topic, key: Buffer.from(`k${String(j)}`), value })
      await producer.send({ messages })
    }
  } finally {
    await producer.close()
  }
}

interface Run {
  perSec: number
  perCpuSec: number
}

/** What runStreamz uses: the sources under tsx, or the same compiled by tsc (as published). */
interface Lib {
  pipe: typeof pipe
  map: typeof map
  withAck: typeof withAck
  fromKafka: typeof fromKafka
  toKafka: typeof toKafka
}
const fromSources: Lib = { pipe, map, withAck, fromKafka, toKafka }

/**
 * src/ compiled with tsc into .cache/bench-dist and imported from there, or undefined when tsc
 * fails. tsx compiles src/ with esbuild's keepNames, which wraps every closure made per record in
 * a call that sets its name; the published package (tsc output) has no such calls.
 */
async function compiledLib(): Promise<Lib | undefined> {
  const out = compiledSrc()
  if (out === undefined) return undefined
  const load = async <M>(f: string): Promise<M> => (await import(pathToFileURL(join(out, f)).href)) as M
  const core = await load<typeof import('../src/index.js')>('index.js')
  const ack = await load<typeof import('../src/internal/ack.js')>('internal/ack.js')
  const kafka = await load<typeof import('../src/sources/kafka/index.js')>('sources/kafka/index.js')
  return { pipe: core.pipe, map: core.map, withAck: ack.withAck, fromKafka: kafka.fromKafka, toKafka: kafka.toKafka }
}

/** streamz-ts: fromKafka → map (carrying the ack) → toKafka; ends when all n are produced and acked. */
async function runStreamz(lib: Lib, brokers: string, src: string, n: number): Promise<Run> {
  const { pipe, map, withAck, fromKafka, toKafka } = lib
  const dst = unique('bench-out')
  await createTopic(brokers, dst, 3)
  const groupId = unique('bench-sz')
  const ac = new AbortController()
  let acked = 0
  let t0 = 0
  let t1 = 0
  let c0 = process.cpuUsage()
  let cpu = c0
  await pipe(
    fromKafka(src, { brokers, groupId, fromBeginning: true, signal: ac.signal }),
    map((r) => {
      if (t0 === 0) {
        t0 = performance.now() // the first record: the group is joined
        c0 = process.cpuUsage()
      }
      return withAck({ key: r.key, value: transform(r.value ?? Buffer.alloc(0)) }, () => {
        r.ack()
        if (++acked === n) {
          t1 = performance.now() // the last record produced and acknowledged
          cpu = process.cpuUsage(c0)
          ac.abort()
        }
      })
    }),
    toKafka(dst, { brokers }),
  ).catch((e: unknown) => {
    if (!ac.signal.aborted) throw e
  })
  const ms = t1 - t0
  await committedAll(brokers, src, groupId)
  return { perSec: (n * 1000) / ms, perCpuSec: (n * 1e6) / (cpu.user + cpu.system) }
}

/** The raw client: read what is fetched (up to 1000), produce it (acks=all), commit, repeat. */
async function runRaw(brokers: string, src: string, n: number): Promise<Run> {
  const dst = unique('bench-out')
  await createTopic(brokers, dst, 3)
  const groupId = unique('bench-raw')
  const consumer = new Consumer({ clientId: 'bench-raw', groupId, bootstrapBrokers: [brokers], autocommit: false })
  const producer = new Producer({ clientId: 'bench-raw', bootstrapBrokers: [brokers], acks: -1 })
  let t0 = 0
  let c0 = process.cpuUsage()
  const stream = await consumer.consume({
    topics: [src],
    mode: 'committed',
    fallbackMode: 'earliest',
    autocommit: false,
  })
  let wake: (() => void) | undefined
  stream.on('readable', () => wake?.())
  let done = 0
  while (done < n) {
    let m = stream.read() as Message | null
    if (m === null) {
      await new Promise<void>((r) => (wake = r))
      continue
    }
    if (t0 === 0) {
      t0 = performance.now() // the first record: the group is joined
      c0 = process.cpuUsage()
    }
    const batch: Message[] = []
    while (m !== null) {
      batch.push(m)
      if (batch.length === 1000) break
      m = stream.read() as Message | null
    }
    await producer.send({
      messages: batch.map((x) => ({ topic: dst, key: x.key, value: transform(x.value) })),
    })
    const last = new Map<string, Message>()
    for (const x of batch) last.set(`${x.topic}:${String(x.partition)}`, x)
    await consumer.commit({
      offsets: [...last.values()].map((x) => ({
        topic: x.topic,
        partition: x.partition,
        offset: x.offset + 1n,
        leaderEpoch: x.leaderEpoch,
      })),
    })
    done += batch.length
  }
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(c0)
  await stream.close()
  await consumer.close()
  await producer.close()
  await committedAll(brokers, src, groupId)
  return { perSec: (n * 1000) / ms, perCpuSec: (n * 1e6) / (cpu.user + cpu.system) }
}

async function committedAll(brokers: string, topic: string, groupId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const o = await offsets(brokers, topic, groupId)
    if (o.committed.every((c, j) => c === o.end[j])) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`kafka bench: group ${groupId} did not commit every record`)
}

export async function runKafkaBench(log: (s: string) => void = () => undefined): Promise<KafkaBenchResult> {
  const records = Number(process.env.KAFKA_BENCH_RECORDS ?? 50_000)
  const rounds = Number(process.env.KAFKA_BENCH_ROUNDS ?? 3)
  const r: KafkaBenchResult = {
    records,
    rounds,
    partitions: 3,
    valueBytes: 100,
    streamz: [],
    raw: [],
    streamzCpu: [],
    rawCpu: [],
    tsx: [],
    tsxCpu: [],
    build: 'tsx',
  }
  const broker = await startBroker()
  if ('skip' in broker) return { ...r, skip: broker.skip }
  try {
    const src = unique('bench-src')
    await createTopic(broker.brokers, src, r.partitions)
    await fill(broker.brokers, src, records, r.valueBytes)
    log(`kafka bench: ${String(records)} records of ${String(r.valueBytes)} B in ${String(r.partitions)} partitions`)
    const compiled = await compiledLib()
    if (compiled !== undefined) r.build = 'tsc'
    const lib = compiled ?? fromSources
    const show = (x: Run): string => `${x.perSec.toFixed(0)} rec/s (${x.perCpuSec.toFixed(0)} per CPU-s)`
    // warm-up of each, then interleaved rounds
    await runRaw(broker.brokers, src, records)
    await runStreamz(lib, broker.brokers, src, records)
    if (compiled !== undefined) await runStreamz(fromSources, broker.brokers, src, records)
    for (let i = 0; i < rounds; i++) {
      const a = await runRaw(broker.brokers, src, records)
      const b = await runStreamz(lib, broker.brokers, src, records)
      r.raw.push(a.perSec)
      r.streamz.push(b.perSec)
      r.rawCpu.push(a.perCpuSec)
      r.streamzCpu.push(b.perCpuSec)
      let line = `  round ${String(i + 1)}: raw ${show(a)}, streamz-ts (${r.build}) ${show(b)}`
      if (compiled !== undefined) {
        const c = await runStreamz(fromSources, broker.brokers, src, records)
        r.tsx.push(c.perSec)
        r.tsxCpu.push(c.perCpuSec)
        line += `, streamz-ts (tsx) ${show(c)}`
      }
      log(line)
    }
  } finally {
    await broker.stop()
  }
  return r
}

export function kafkaLines(r: KafkaBenchResult): string[] {
  if (r.skip !== undefined) return [`skipped: ${r.skip}`]
  const raw = median(r.raw)
  const sz = median(r.streamz)
  const q = sz / raw
  const rawC = median(r.rawCpu)
  const szC = median(r.streamzCpu)
  return [
    `${r.records.toLocaleString('en-US')} records of ${String(r.valueBytes)} B in ${String(r.partitions)} partitions, consumed, upper-cased and produced to a second topic (acks=all) with at-least-once commits; median of ${String(r.rounds)} interleaved rounds after a warm-up.`,
    '',
    '| implementation | records/s (median) | runs | records per CPU-second (median) |',
    '| --- | --- | --- | --- |',
    `| raw @platformatic/kafka: read up to 1000, send, commit | ${raw.toFixed(0)} | ${r.raw.map((x) => x.toFixed(0)).join(', ')} | ${rawC.toFixed(0)} |`,
    `| **streamz-ts: fromKafka → map → toKafka (acks)**${r.build === 'tsc' ? ', compiled by tsc as published' : ', src/ under tsx'} | ${sz.toFixed(0)} | ${r.streamz.map((x) => x.toFixed(0)).join(', ')} | ${szC.toFixed(0)} |`,
    ...(r.tsx.length === 0
      ? []
      : [
          `| the same, src/ under tsx (esbuild keepNames) | ${median(r.tsx).toFixed(0)} | ${r.tsx.map((x) => x.toFixed(0)).join(', ')} | ${median(r.tsxCpu).toFixed(0)} |`,
        ]),
    '',
    `ratio streamz-ts / raw: ${q.toFixed(2)} in records/s (target ≥ ${String(KAFKA_TARGET)}: ${q >= KAFKA_TARGET ? 'PASS' : 'MISS'}), ${(szC / rawC).toFixed(2)} in records per CPU-second of the Node process${r.tsx.length === 0 ? '' : `; under tsx ${(median(r.tsx) / raw).toFixed(2)} and ${(median(r.tsxCpu) / rawC).toFixed(2)}`}`,
  ]
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const json = process.argv.includes('--json')
  const r = await runKafkaBench(json ? (s) => console.error(s) : (s) => console.log(s))
  if (json) console.log(RESULT_MARK + JSON.stringify(r))
  else console.log(`\n${kafkaLines(r).join('\n')}`)
}
