/**
 * streamz-ts/kafka against a real broker (test/kafka/broker.ts: Kafka 4.1 started from Maven
 * Central jars, or KAFKA_BROKERS). One broker for every Kafka scenario, so they are all here.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { filter, map, partition, pipe, sink, toArray } from '../../src/index.js'
import { ackOf, withAck } from '../../src/internal/ack.js'
import { fromKafka, fromKafkaBatched, toKafka, type KafkaDecodeError } from '../../src/sources/kafka/index.js'
import { startBroker, type Broker } from './broker.js'
import {
  createTopic,
  describeGroup,
  offsets,
  produce,
  readLines,
  startChild,
  unique,
  until,
  type Line,
} from './helpers.js'

let broker: Broker | undefined
let skip: string | undefined
let dir = ''

before(async () => {
  const b = await startBroker()
  if ('skip' in b) skip = b.skip
  else broker = b
  dir = mkdtempSync(join(tmpdir(), 'streamz-kafka-test-'))
})

after(async () => {
  await broker?.stop()
  if (dir !== '') rmSync(dir, { recursive: true, force: true })
})

function brokers(t: { skip: (m: string) => void }): string | undefined {
  if (broker === undefined) {
    t.skip(skip ?? 'no broker')
    return undefined
  }
  return broker.brokers
}

const N = 20_000

/** Every key k0..k<n-1> is in `lines`; returns the number of duplicate lines. */
function checkAll(lines: Line[], n: number): number {
  const keys = new Set(lines.map((l) => l.key))
  const missing: string[] = []
  for (let i = 0; i < n && missing.length < 5; i++) if (!keys.has(`k${String(i)}`)) missing.push(`k${String(i)}`)
  assert.deepEqual(missing, [], 'records lost')
  return lines.length - keys.size
}

const allIn = (files: string[], n: number) => (): boolean =>
  new Set(files.flatMap((f) => readLines(f).map((l) => l.key))).size >= n

describe('fromKafka / toKafka', () => {
  test('consumes keyed records with their metadata, acks, commits on close', async (t) => {
    const b = brokers(t)
    if (b === undefined) return
    const topic = unique('basic')
    const groupId = unique('g')
    await createTopic(b, topic, 1)
    await produce(b, topic, 5)
    const got: string[] = []
    for await (const r of fromKafka(topic, { brokers: b, groupId, fromBeginning: true, deserialize: String })) {
      assert.equal(r.topic, topic)
      assert.equal(r.partition, 0)
      assert.equal(typeof r.offset, 'bigint')
      assert.equal(typeof r.timestamp, 'number')
      assert.ok(Buffer.isBuffer(r.key))
      assert.equal(ackOf(r), r.ack)
      got.push(`${String(r.offset)}:${String(r.key)}:${String(r.value)}`)
      if (got.length <= 3) r.ack() // the 4th is not acknowledged
      if (got.length === 4) break
    }
    assert.deepEqual(got, ['0:k0:v0', '1:k1:v1', '2:k2:v2', '3:k3:v3'])
    const o = await offsets(b, topic, groupId)
    assert.deepEqual(o.committed, [3n], 'committed past the acknowledged records only')
    assert.equal((await describeGroup(b, groupId)).members.length, 0, 'left the group on break')
    // a restart resumes at the first unacknowledged record
    for await (const r of fromKafka(topic, { brokers: b, groupId, deserialize: String })) {
      assert.equal(r.offset, 3n)
      break
    }
  })

  test('commits the highest contiguous acknowledged offset, whatever order acks come in', async (t) => {
    const b = brokers(t)
    if (b === undefined) return
    const topic = unique('order')
    const groupId = unique('g')
    await createTopic(b, topic, 1)
    await produce(b, topic, 6)
    const recs = []
    for await (const r of fromKafka(topic, { brokers: b, groupId, fromBeginning: true, commitEvery: 1 })) {
      recs.push(r)
      if (recs.length === 6) break
      if (recs.length === 5) {
        // ack 1, 2, 4 (not 0, not 3): nothing may be committed yet
        for (const i of [1, 2, 4]) recs[i]?.ack()
        await new Promise((r) => setTimeout(r, 300))
        assert.deepEqual((await offsets(b, topic, groupId)).committed, [-1n])
        recs[0]?.ack() // now 0..2 are contiguous
        await until(async () => (await offsets(b, topic, groupId)).committed[0] === 3n, 'commit of offset 3', 10_000)
      }
    }
    assert.deepEqual((await offsets(b, topic, groupId)).committed, [3n])
  })

  test('toKafka produces values and { key, value, headers }, and acks after the broker has them', async (t) => {
    const b = brokers(t)
    if (b === undefined) return
    const topic = unique('out')
    await createTopic(b, topic, 1)
    const acked: string[] = []
    const items = ['a', Buffer.from('b'), { key: 'k', value: 'c', headers: { h: 'x' } }, null].map((v, i) =>
      withAck({ v }, () => acked.push(String(i))),
    )
    await pipe(
      items,
      map((x) =>
        withAck(
          (x.v !== null && typeof x.v === 'object' && !Buffer.isBuffer(x.v) ? x.v : { value: x.v }) as object,
          ackOf(x) ?? (() => undefined),
        ),
      ),
      toKafka(topic, { brokers: b }),
    )
    assert.deepEqual(acked, ['0', '1', '2', '3'])
    const got = []
    for await (const r of fromKafka(topic, { brokers: b, groupId: unique('g'), fromBeginning: true })) {
      got.push([r.key?.toString(), r.value?.toString() ?? null, r.headers.get('h')?.toString()])
      if (got.length === 4) break
    }
    assert.deepEqual(got, [
      [undefined, 'a', undefined],
      [undefined, 'b', undefined],
      ['k', 'c', 'x'],
      [undefined, null, undefined],
    ])
  })

  test('fromKafka → map → toKafka is at-least-once: committed once produced', async (t) => {
    const b = brokers(t)
    if (b === undefined) return
    const src = unique('src')
    const dst = unique('dst')
    const groupId = unique('g')
    await createTopic(b, src, 3)
    await createTopic(b, dst, 3)
    await produce(b, src, 3000)
    const ac = new AbortController()
    const done = pipe(
      fromKafka(src, { brokers: b, groupId, fromBeginning: true, signal: ac.signal, deserialize: String }),
      map((r) => withAck({ key: r.key, value: (r.value ?? '').toUpperCase() }, r.ack)),
      toKafka(dst, { brokers: b }),
    )
    await until(async () => (await offsets(b, dst, 'none')).end.reduce((a, x) => a + x, 0n) >= 3000n, 'produced')
    ac.abort()
    await assert.rejects(done)
    await until(async () => {
      const o = await offsets(b, src, groupId)
      return o.committed.every((c, i) => c === o.end[i])
    }, 'all committed')
  })

  test('acks ride along with no explicit ack: map to a string, filter, partition, toKafka', async (t) => {
    const b = brokers(t)
    if (b === undefined) return
    const src = unique('src')
    const dst = unique('dst')
    const groupId = unique('g')
    await createTopic(b, src, 3)
    await createTopic(b, dst, 3)
    await produce(b, src, 2000)
    const ac = new AbortController()
    let kept = 0
    const done = pipe(
      fromKafka(src, { brokers: b, groupId, fromBeginning: true, signal: ac.signal, deserialize: String }),
      map((r) => (r.value ?? '').toUpperCase()),
      filter((v: string) => v.charCodeAt(v.length - 1) % 2 === 0), // drops about half
      partition(10),
      map((batch: string[]) => {
        kept += batch.length
        return batch.join(',')
      }),
      toKafka(dst, { brokers: b }),
    )
    // every source record is committed: the dropped ones were acked by filter, the others once produced
    await until(async () => {
      const o = await offsets(b, src, groupId)
      return o.end.reduce((a, x) => a + x, 0n) === 2000n && o.committed.every((c, i) => c === o.end[i])
    }, 'all committed')
    const produced = (await offsets(b, dst, 'none')).end.reduce((a, x) => a + x, 0n)
    assert.ok(kept > 0 && kept < 2000, `filter kept ${String(kept)} of 2000`)
    assert.ok(produced >= BigInt(Math.ceil(kept / 10)), `${String(produced)} produced, ${String(kept)} kept`)
    ac.abort()
    await assert.rejects(done)
  })

  test('toKafka: a value it cannot encode rejects the sink; the source is closed', async (t) => {
    const b = brokers(t)
    if (b === undefined) return
    await assert.rejects(
      pipe([{ value: 42 }], toKafka(unique('bad'), { brokers: b })),
      /must be a string, a Buffer or null/,
    )
    assert.throws(() => toKafka('t', { brokers: 'nohost' }), TypeError)
    assert.throws(() => fromKafka('t', { brokers: 'h:1', groupId: '' }), TypeError)
    assert.throws(() => fromKafka([], { brokers: 'h:1', groupId: 'g' }), TypeError)
    assert.throws(() => fromKafka('t', { brokers: 'h:1', groupId: 'g', commitEvery: 0 }), RangeError)
  })
})

describe('bad input', () => {
  test('a record the deserializer rejects goes to onError and is acked and skipped', async (t) => {
    const b = brokers(t)
    if (b === undefined) return
    const topic = unique('json')
    const groupId = unique('g')
    await createTopic(b, topic, 1)
    await produce(b, topic, 3, ['{"a":1}', 'not json', '{"a":3}'])
    const errors: KafkaDecodeError[] = []
    const values: unknown[] = []
    for await (const r of fromKafka(topic, {
      brokers: b,
      groupId,
      fromBeginning: true,
      deserialize: (buf) => JSON.parse(String(buf)) as { a: number },
      onError: (e) => errors.push(e),
    })) {
      values.push(r.value?.a)
      r.ack()
      if (values.length === 2) break
    }
    assert.deepEqual(values, [1, 3])
    assert.equal(errors.length, 1)
    assert.equal(errors[0]?.offset, 1n)
    assert.equal(errors[0]?.part, 'value')
    assert.equal(String(errors[0]?.raw), 'not json')
    assert.match(errors[0]?.message ?? '', /could not decode the value of .*\[0\]@1/)
    assert.deepEqual((await offsets(b, topic, groupId)).committed, [3n])
  })

  test('without onError, such a record fails the source and is not committed', async (t) => {
    const b = brokers(t)
    if (b === undefined) return
    const topic = unique('json2')
    const groupId = unique('g')
    await createTopic(b, topic, 1)
    await produce(b, topic, 3, ['{"a":1}', 'not json', '{"a":3}'])
    const values: unknown[] = []
    await assert.rejects(
      pipe(
        fromKafka(topic, {
          brokers: b,
          groupId,
          fromBeginning: true,
          deserialize: (x) => JSON.parse(String(x)) as unknown,
        }),
        sink((r) => {
          values.push(r.value)
          r.ack()
        }),
      ),
      /could not decode the value/,
    )
    assert.deepEqual(values, [{ a: 1 }])
    assert.deepEqual((await offsets(b, topic, groupId)).committed, [1n])
  })

  test('an unreachable broker is a clear error', async () => {
    const it = fromKafka('t', { brokers: '127.0.0.1:1', groupId: 'g', client: { retries: 0 } })
    await assert.rejects(pipe(it, toArray()), /fromKafka: could not join group "g" on 127.0.0.1:1/)
  })
})

describe('fromKafkaBatched', () => {
  test('one batch per partition per poll, at most maxBatchSize; batch.ack() acks all', async (t) => {
    const b = brokers(t)
    if (b === undefined) return
    const topic = unique('batched')
    const groupId = unique('g')
    await createTopic(b, topic, 3)
    await produce(b, topic, 60)
    let total = 0
    for await (const batch of fromKafkaBatched(
      topic,
      { brokers: b, groupId, fromBeginning: true, deserialize: String },
      { maxBatchSize: 8, pollInterval: 50 },
    )) {
      assert.ok(batch.length >= 1 && batch.length <= 8)
      assert.equal(new Set(batch.map((r) => r.partition)).size, 1, 'one partition per batch')
      for (let i = 1; i < batch.length; i++) assert.ok((batch[i]?.offset ?? 0n) > (batch[i - 1]?.offset ?? 0n))
      assert.equal(ackOf(batch), batch.ack)
      batch.ack()
      total += batch.length
      if (total === 60) break
    }
    const o = await offsets(b, topic, groupId)
    assert.deepEqual(o.committed, o.end)
  })
})

describe('liveness', () => {
  test('a pipeline that holds back longer than the session timeout keeps its membership', async (t) => {
    const b = brokers(t)
    if (b === undefined) return
    const topic = unique('slow')
    const groupId = unique('g')
    await createTopic(b, topic, 1)
    await produce(b, topic, 3)
    const offsetsSeen: bigint[] = []
    let before: string[] = []
    for await (const r of fromKafka(topic, {
      brokers: b,
      groupId,
      fromBeginning: true,
      sessionTimeout: 1500,
      heartbeatInterval: 300,
    })) {
      offsetsSeen.push(r.offset)
      r.ack()
      if (offsetsSeen.length === 1) {
        before = (await describeGroup(b, groupId)).members
        await new Promise((res) => setTimeout(res, 4000)) // hold back: > 2 session timeouts
        const g = await describeGroup(b, groupId)
        assert.equal(g.state.toUpperCase(), 'STABLE')
        assert.deepEqual(g.members, before, 'same member, not kicked out')
      }
      if (offsetsSeen.length === 3) break
    }
    assert.equal(before.length, 1)
    assert.deepEqual(offsetsSeen, [0n, 1n, 2n], 'no re-delivery after the pause')
  })

  test('a member that a newcomer takes partitions from: no record handed out twice, few duplicates', async (t) => {
    const b = brokers(t)
    if (b === undefined) return
    const topic = unique('rebalance')
    const groupId = unique('g')
    const n = 6000
    await createTopic(b, topic, 2)
    await produce(b, topic, n)
    const config = {
      brokers: b,
      groupId,
      fromBeginning: true,
      commitEvery: 20,
      commitInterval: 100,
      sessionTimeout: 6000,
      heartbeatInterval: 200,
      deserializeKey: String,
    }
    const acA = new AbortController()
    const acB = new AbortController()
    const gotA: string[] = []
    const gotB: string[] = []
    const all = new Set<string>()
    // A is slow (batches of 50 records, 40 ms each, acked when done), so the client has fetched
    // far ahead of it when B arrives
    const a = pipe(
      fromKafka(topic, { ...config, signal: acA.signal }),
      partition(50, { timeout: 20 }),
      sink(async (batch) => {
        for (const r of batch) {
          gotA.push(`${String(r.partition)}@${String(r.offset)}`)
          all.add(r.key ?? '')
        }
        await new Promise((res) => setTimeout(res, 40))
        for (const r of batch) r.ack()
      }),
    ).catch((e: unknown) => {
      if (!acA.signal.aborted) throw e
    })
    await until(() => gotA.length >= 500, 'A consuming')
    const m = (async () => {
      for await (const r of fromKafka(topic, { ...config, signal: acB.signal })) {
        gotB.push(`${String(r.partition)}@${String(r.offset)}`)
        all.add(r.key ?? '')
        r.ack()
      }
    })().catch((e: unknown) => {
      if (!acB.signal.aborted) throw e
    })
    await until(() => all.size >= n, 'every record', 90_000)
    acA.abort()
    acB.abort()
    await Promise.all([a, m])
    assert.ok(gotB.length > 0, 'B got partitions')
    assert.equal(new Set(gotA).size, gotA.length, 'A handed out no record twice')
    assert.equal(new Set(gotB).size, gotB.length, 'B handed out no record twice')
    const dups = gotA.length + gotB.length - all.size
    t.diagnostic(`rebalance: A ${String(gotA.length)}, B ${String(gotB.length)}, duplicates ${String(dups)}`)
    // what A had in flight of the partition it lost when the rebalance began (a batch in the sink,
    // one being filled), and what it acknowledged after its last commit: not what it had fetched
    assert.ok(dups <= 2 * 50 + config.commitEvery, `${String(dups)} duplicates`)
  })
})

describe('crash tests (20,000 records, 3 partitions, a file sink with fsync)', () => {
  const commitEvery = 200
  const sinkBatch = 100
  // what may be written twice: the records written since the last commit that landed (a commit
  // batch, plus one in flight) and the sink batch being written when the process died
  const bound = 2 * commitEvery + sinkBatch

  async function setup(b: string, name: string): Promise<{ topic: string; groupId: string; file: string }> {
    const topic = unique(name)
    await createTopic(b, topic, 3)
    await produce(b, topic, N)
    return { topic, groupId: unique('g'), file: join(dir, `${topic}.txt`) }
  }

  async function finish(b: string, topic: string, groupId: string, file: string): Promise<void> {
    const c = startChild({ brokers: b, topic, groupId, file, commitEvery })
    await until(allIn([file], N), 'every record in the file')
    c.proc.kill('SIGTERM')
    assert.equal(await c.exited, 0, c.stderr())
  }

  async function assertCommitted(b: string, topic: string, groupId: string): Promise<void> {
    const o = await offsets(b, topic, groupId)
    assert.deepEqual(o.committed, o.end, 'committed offsets == end offsets')
    assert.equal(
      o.end.reduce((a, x) => a + x, 0n),
      BigInt(N),
    )
  }

  test('SIGKILL after a third: restarted, nothing lost, duplicates bounded', async (t) => {
    const b = brokers(t)
    if (b === undefined) return
    const { topic, groupId, file } = await setup(b, 'kill')
    const c = startChild({ brokers: b, topic, groupId, file, commitEvery })
    await until(() => readLines(file).length >= N / 3, 'a third of the records')
    c.proc.kill('SIGKILL')
    await c.exited
    const atKill = readLines(file).length
    await finish(b, topic, groupId, file)
    const dups = checkAll(readLines(file), N)
    t.diagnostic(
      `SIGKILL: ${String(atKill)} written at the kill, ${String(N)} records, lost 0, duplicates ${String(dups)} (bound ${String(bound)})`,
    )
    assert.ok(dups <= bound, `${String(dups)} duplicates > ${String(bound)}`)
    await assertCommitted(b, topic, groupId)
  })

  test('an exception in the pipeline: the process fails, a restart finishes', async (t) => {
    const b = brokers(t)
    if (b === undefined) return
    const { topic, groupId, file } = await setup(b, 'throw')
    const c = startChild({ brokers: b, topic, groupId, file, commitEvery, throwAt: 7000 })
    assert.equal(await c.exited, 1)
    assert.match(c.stderr(), /pipeline failed on purpose/)
    const atFail = readLines(file).length
    assert.ok(atFail < 7000)
    await finish(b, topic, groupId, file)
    const dups = checkAll(readLines(file), N)
    t.diagnostic(`exception: ${String(atFail)} written at the failure, lost 0, duplicates ${String(dups)}`)
    assert.ok(dups <= bound, `${String(dups)} duplicates > ${String(bound)}`)
    await assertCommitted(b, topic, groupId)
  })

  test('SIGTERM: in-flight records finish and are committed, no duplicates on restart', async (t) => {
    const b = brokers(t)
    if (b === undefined) return
    const { topic, groupId, file } = await setup(b, 'term')
    const c = startChild({ brokers: b, topic, groupId, file, commitEvery })
    await until(() => readLines(file).length >= N / 3, 'a third of the records')
    c.proc.kill('SIGTERM')
    assert.equal(await c.exited, 0, c.stderr())
    const lines = readLines(file)
    const next = [-1n, -1n, -1n] // -1: nothing committed
    for (const l of lines) if (l.offset + 1n > (next[l.partition] ?? 0n)) next[l.partition] = l.offset + 1n
    assert.deepEqual((await offsets(b, topic, groupId)).committed, next, 'everything written is committed')
    await finish(b, topic, groupId, file)
    const dups = checkAll(readLines(file), N)
    t.diagnostic(`SIGTERM: ${String(lines.length)} written at the stop, lost 0, duplicates ${String(dups)}`)
    assert.equal(dups, 0)
    await assertCommitted(b, topic, groupId)
  })

  test('two members, one SIGKILLed: the other takes over its partitions', async (t) => {
    const b = brokers(t)
    if (b === undefined) return
    const { topic, groupId, file } = await setup(b, 'pair')
    const fileB = `${file}.b`
    const slow = { brokers: b, topic, groupId, commitEvery, sessionTimeout: 3000, delayMs: 30 }
    const a = startChild({ ...slow, file })
    await until(() => readLines(file).length > 0, 'member A consuming')
    const m = startChild({ ...slow, file: fileB })
    // after the rebalance each member owns some partitions
    await until(() => readLines(fileB).length > 0 && readLines(file).length > 0, 'both members consuming')
    const ownedByA = new Set(
      readLines(file)
        .slice(-50)
        .map((l) => l.partition),
    )
    a.proc.kill('SIGKILL')
    await a.exited
    const atKill = readLines(file).length
    // B alone finishes, A's partitions included (after the 3 s session timeout)
    await until(allIn([file, fileB], N), 'every record in one of the files', 90_000)
    const tookOver = new Set(
      readLines(fileB)
        .slice(-200)
        .map((l) => l.partition),
    )
    m.proc.kill('SIGTERM')
    assert.equal(await m.exited, 0, m.stderr())
    assert.equal(readLines(file).length, atKill, 'A wrote nothing after its death')
    for (const p of ownedByA) assert.ok(tookOver.has(p) || readLines(fileB).some((l) => l.partition === p))
    const dups = checkAll([...readLines(file), ...readLines(fileB)], N)
    t.diagnostic(`two members: A wrote ${String(atKill)} before SIGKILL, lost 0, duplicates ${String(dups)}`)
    // A's commits land (a rebalance no longer lets it hand out what it had fetched of partitions it
    // lost), so what B repeats is what A wrote after its last commit: the same bound as one member
    assert.ok(dups <= bound, `${String(dups)} duplicates > ${String(bound)}`)
    await assertCommitted(b, topic, groupId)
  })
})
