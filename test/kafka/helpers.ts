/** Helpers of the Kafka tests and bench: topics, producing, offsets, the crash child. */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Admin, Consumer, Producer } from '@platformatic/kafka'

const here = dirname(fileURLToPath(import.meta.url))
let seq = 0

/** A topic (or group) name unique to this process. */
export function unique(prefix: string): string {
  return `${prefix}-${String(process.pid)}-${String(Date.now() % 1e6)}-${String(seq++)}`
}

export async function createTopic(brokers: string, topic: string, partitions: number): Promise<void> {
  const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: [brokers] })
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 })
  } finally {
    await admin.close()
  }
}

/** Produce `n` records `key = k<i>`, `value = v<i>` (or `values[i]`), in batches of 1000. */
export async function produce(brokers: string, topic: string, n: number, values?: string[]): Promise<void> {
  const producer = new Producer({ clientId: 'test-producer', bootstrapBrokers: [brokers], acks: -1, idempotent: true })
  try {
    for (let i = 0; i < n; i += 1000) {
      const messages = []
      for (let j = i; j < Math.min(n, i + 1000); j++)
        messages.push({ topic, key: Buffer.from(`k${String(j)}`), value: Buffer.from(values?.[j] ?? `v${String(j)}`) })
      await producer.send({ messages })
    }
  } finally {
    await producer.close()
  }
}

/** Per partition: the group's committed offset (-1 when none) and the end offset. */
export async function offsets(
  brokers: string,
  topic: string,
  groupId: string,
): Promise<{ committed: bigint[]; end: bigint[] }> {
  const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: [brokers] })
  const consumer = new Consumer({ clientId: 'test-offsets', groupId: `${groupId}-probe`, bootstrapBrokers: [brokers] })
  try {
    const end = (await consumer.listOffsets({ topics: [topic] })).get(topic) ?? []
    const [g] = await admin.listConsumerGroupOffsets({ groups: [groupId] })
    const committed = end.map(() => -1n)
    for (const t of g?.topics ?? [])
      if (t.name === topic) for (const p of t.partitions) committed[p.partitionIndex] = p.committedOffset
    return { committed, end }
  } finally {
    await consumer.close()
    await admin.close()
  }
}

/** The members of a group, and its state. */
export async function describeGroup(brokers: string, groupId: string): Promise<{ state: string; members: string[] }> {
  const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: [brokers] })
  try {
    const g = (await admin.describeGroups({ groups: [groupId] })).get(groupId)
    return { state: g?.state ?? 'UNKNOWN', members: [...(g?.members.keys() ?? [])] }
  } finally {
    await admin.close()
  }
}

export interface ChildConfig {
  brokers: string
  topic: string
  groupId: string
  file: string
  /** throw in the pipeline at this record (the process exits with an error) */
  throwAt?: number
  /** ms to wait after each written batch (a slow pipeline) */
  delayMs?: number
  sessionTimeout?: number
  commitEvery?: number
}

export interface Child {
  proc: ChildProcess
  exited: Promise<number | null>
  stderr: () => string
}

/** Start test/kafka/crash-child.ts: a consumer pipeline writing `partition offset key value` lines. */
export function startChild(config: ChildConfig): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(here, 'crash-child.ts')], {
    env: { ...process.env, KAFKA_CHILD: JSON.stringify(config) },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let err = ''
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d))
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  return { proc, exited, stderr: () => err }
}

export interface Line {
  partition: number
  offset: bigint
  key: string
  value: string
}

export function readLines(file: string): Line[] {
  if (!existsSync(file)) return []
  const out: Line[] = []
  for (const l of readFileSync(file, 'utf8').split('\n')) {
    if (l === '') continue
    const [p, o, k, v] = l.split(' ')
    out.push({ partition: Number(p), offset: BigInt(o ?? '-1'), key: k ?? '', value: v ?? '' })
  }
  return out
}

/** Poll (every 50 ms) until `cond()` holds; fail after `timeout` ms with `what`. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, timeout = 60_000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
