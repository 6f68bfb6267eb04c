import { Consumer, type GroupAssignment, type Message, type MessagesStream } from '@platformatic/kafka'
import { ackOf, withAck } from '../../internal/ack.js'
import { checkFunction, checkInteger, checkObject, checkSignal, fail } from '../../internal/check.js'
import { toMs } from '../../internal/duration.js'
import { DONE, DRIVE, type Drivable, type Step } from '../../pipe/flow.js'
import { PartitionRun } from './tracker.js'
import type { FromKafkaOptions, KafkaDecodeError, KafkaRecord } from './types.js'

type Raw = Message<Buffer, Buffer, string>

const keyOf = (topic: string, partition: number): string => `${topic}\u0000${String(partition)}`

/** Validate the shared options of the Kafka sources (throws at construction). @internal */
export function checkConsumerOptions(op: string, topics: string[], options: FromKafkaOptions<unknown, unknown>): void {
  checkObject(op, 'config', options)
  if ((options as unknown) === undefined) fail(TypeError, op, 'config', 'an options object', options)
  if (topics.length === 0 || topics.some((t) => typeof t !== 'string' || t === ''))
    fail(TypeError, op, 'topics', 'a topic name or a non-empty list of them', topics)
  const { brokers, groupId, commitEvery, deserialize, deserializeKey, onError, signal } = options
  const list = typeof brokers === 'string' ? [brokers] : brokers
  if (!Array.isArray(list) || list.length === 0 || list.some((b) => typeof b !== 'string' || !b.includes(':')))
    fail(TypeError, op, 'config.brokers', "'host:port' or a non-empty list of them", brokers)
  if (typeof groupId !== 'string' || groupId === '')
    fail(TypeError, op, 'config.groupId', 'a non-empty string', groupId)
  if (commitEvery !== undefined) checkInteger(op, 'config.commitEvery', commitEvery, 1)
  if (options.commitInterval !== undefined) toMs(op, 'config.commitInterval', options.commitInterval)
  if (options.drainTimeout !== undefined) toMs(op, 'config.drainTimeout', options.drainTimeout)
  if (options.sessionTimeout !== undefined) checkInteger(op, 'config.sessionTimeout', options.sessionTimeout, 1)
  if (options.heartbeatInterval !== undefined)
    checkInteger(op, 'config.heartbeatInterval', options.heartbeatInterval, 1)
  if (deserialize !== undefined) checkFunction(op, 'config.deserialize', deserialize)
  if (deserializeKey !== undefined) checkFunction(op, 'config.deserializeKey', deserializeKey)
  if (onError !== undefined) checkFunction(op, 'config.onError', onError)
  checkObject(op, 'config.client', options.client)
  checkSignal(op, signal)
}

/**
 * A group consumer with autocommit off and a per-partition tracker: the offsets it commits are
 * always one past the last record that was acknowledged together with all before it.
 * @internal
 */
export class KafkaReader<V, K> {
  private readonly op: string
  private readonly topics: string[]
  private readonly options: FromKafkaOptions<V, K>
  private readonly commitEvery: number
  private readonly commitInterval: number
  private consumer: Consumer<Buffer, Buffer, string> | undefined
  private stream: MessagesStream<Buffer, Buffer, string, Buffer> | undefined
  private readonly runs = new Map<string, PartitionRun>()
  /** the partitions of the last assignment (undefined before it): records of others are dropped */
  private owned: Set<string> | undefined
  /** runs of revoked partitions whose acknowledged offset the next commit still sends */
  private parting: PartitionRun[] = []
  private sinceCommit = 0
  private outstanding = 0
  private committing: Promise<void> | undefined
  private again = false
  private timer: NodeJS.Timeout | undefined
  private closing: Promise<void> | undefined
  private error: Error | undefined
  private ended = false
  private wake: (() => void) | undefined
  private drained: (() => void) | undefined
  /** the last commit error, if the last commit failed (retried at the next tick) */
  commitError: Error | undefined

  constructor(op: string, topics: string[], options: FromKafkaOptions<V, K>) {
    this.op = op
    this.topics = topics
    this.options = options
    this.commitEvery = options.commitEvery ?? 1000
    this.commitInterval = toMs(op, 'config.commitInterval', options.commitInterval ?? 1000)
  }

  private opening: Promise<void> | undefined

  /** Connect, join the group and start fetching (once). */
  open(): Promise<void> {
    if (this.closing !== undefined) return Promise.reject(new Error(`${this.op}: closed`))
    this.opening ??= this.connect()
    return this.opening
  }

  private async connect(): Promise<void> {
    const o = this.options
    const brokers = typeof o.brokers === 'string' ? [o.brokers] : o.brokers
    const sessionTimeout = o.sessionTimeout ?? 10_000
    const heartbeatInterval = o.heartbeatInterval ?? Math.min(3000, Math.floor(sessionTimeout / 3))
    const consumer = new Consumer<Buffer, Buffer, string, Buffer>({
      clientId: o.clientId ?? 'streamz-ts',
      bootstrapBrokers: brokers,
      groupId: o.groupId,
      sessionTimeout,
      heartbeatInterval,
      rebalanceTimeout: Math.max(sessionTimeout, 30_000),
      autocommit: false,
      retries: 3,
      retryDelay: 500,
      deserializers: { headerKey: (b) => (b === undefined ? '' : b.toString('utf8')) },
      ...(o.client ?? {}),
    })
    this.consumer = consumer
    consumer.on('error', (e: Error) => this.fail(e))
    // before the stream's own listener: commit what is acknowledged before it re-reads the
    // committed offsets, and forget the partitions this member no longer owns
    consumer.prependListener('consumer:group:join', (p: { assignments?: GroupAssignment[] }) => this.onJoin(p))
    // a rebalance is starting: hand out nothing more until the new assignment is known (what
    // is handed out now may belong to another member by then), and commit what is acknowledged
    // while this generation may still commit
    consumer.on('consumer:group:rebalance', () => this.onRebalance())
    let stream: MessagesStream<Buffer, Buffer, string, Buffer>
    try {
      stream = await consumer.consume({
        topics: this.topics,
        mode: 'committed',
        fallbackMode: o.fromBeginning === true ? 'earliest' : 'latest',
        autocommit: false,
        sessionTimeout,
        heartbeatInterval,
      })
    } catch (e) {
      await consumer.close(true).catch(() => undefined)
      throw new Error(
        `${this.op}: could not join group ${JSON.stringify(o.groupId)} on ${brokers.join(',')}: ${(e as Error).message}`,
        { cause: e },
      )
    }
    this.stream = stream
    stream.on('readable', () => this.poke())
    stream.on('end', () => {
      this.ended = true
      this.poke()
    })
    stream.on('error', (e: Error) => this.fail(e))
    this.timer = setInterval(() => {
      if (this.sinceCommit > 0 || this.anyDirty()) void this.commit()
    }, this.commitInterval)
    this.timer.unref()
  }

  private fail(e: Error): void {
    this.error ??= e
    this.endRebalance()
    this.poke()
  }

  private poke(): void {
    const w = this.wake
    this.wake = undefined
    w?.()
  }

  private anyDirty(): boolean {
    for (const r of this.runs.values()) if (r.dirty) return true
    return false
  }

  // set from a rebalance's start to the next join (or an error, or close): records wait
  private rebalancing: { promise: Promise<void>; resolve: () => void } | undefined

  private onRebalance(): void {
    if (this.rebalancing === undefined && this.closing === undefined && this.error === undefined) {
      let resolve = noop
      const promise = new Promise<void>((r) => (resolve = r))
      this.rebalancing = { promise, resolve }
    }
    void this.commit()
  }

  private endRebalance(): void {
    const r = this.rebalancing
    this.rebalancing = undefined
    r?.resolve()
  }

  private onJoin(p: { assignments?: GroupAssignment[] }): void {
    this.endRebalance()
    // a join that does not say the assignment (the client's KIP-848 protocol) changes no ownership
    if (p.assignments !== undefined) {
      const owned = new Set<string>()
      for (const a of p.assignments) for (const part of a.partitions) owned.add(keyOf(a.topic, part))
      this.owned = owned
      for (const [k, run] of this.runs)
        if (!owned.has(k)) {
          // its acks no longer commit; what is acknowledged now goes with the next commit
          run.active = false
          if (run.dirty) this.parting.push(run)
          this.runs.delete(k)
        }
    }
    void this.commit()
  }

  /** A message already fetched, without waiting; undefined when there is none (or not open yet). */
  readNow(): Raw | undefined {
    const stream = this.stream
    if (stream === undefined || this.error !== undefined || this.closing !== undefined) return undefined
    if (stream.readableLength === 0 || this.rebalancing !== undefined) return undefined
    return (stream.read() as Raw | null) ?? undefined
  }

  /**
   * The next raw message, null once the stream has ended, or undefined when `within` ms passed
   * without one. Throws the consumer's error.
   */
  async read(within = Infinity): Promise<Raw | null | undefined> {
    const stream = this.stream
    if (stream === undefined) throw new Error(`${this.op}: not open`)
    const until = Date.now() + within
    for (;;) {
      if (this.error !== undefined) throw this.error
      if (this.rebalancing !== undefined) await this.rebalancing.promise
      const m = stream.read() as Raw | null
      if (m !== null) return m
      if (this.ended || this.closing !== undefined) return null
      const left = until - Date.now()
      if (left <= 0) return undefined
      await new Promise<void>((resolve) => {
        const t = left === Infinity ? undefined : setTimeout(resolve, left)
        this.wake = () => {
          clearTimeout(t)
          resolve()
        }
      })
    }
  }

  // the run of the partition of the last record delivered: consecutive records mostly share it
  private lastRun: PartitionRun | undefined

  /** Track `m` and turn it into a record; undefined for a record that failed to decode and was handed to `onError`. */
  deliver(m: Raw): KafkaRecord<V, K> | undefined {
    let run = this.lastRun
    if (run === undefined || run.partition !== m.partition || run.topic !== m.topic || !run.active) {
      run = this.runs.get(keyOf(m.topic, m.partition))
    }
    if (run === undefined || m.offset <= run.last) {
      const key = keyOf(m.topic, m.partition)
      if (run === undefined) {
        // fetched before a rebalance took its partition away: the new owner reads it from the
        // committed offset, so it is dropped here (neither handed out nor acknowledged)
        if (this.owned !== undefined && !this.owned.has(key)) return undefined
      } else {
        // after a rebalance the client reads a partition it keeps again from the committed
        // offset: what this run already handed out is not handed out twice
        if (m.offset >= run.first) return undefined
        // a seek back past the run's start: a new run (the old run's acks no longer count)
        run.active = false
      }
      run = new PartitionRun(m.topic, m.partition)
      this.runs.set(key, run)
    }
    this.lastRun = run
    const seq = run.add(m.offset, m.leaderEpoch)
    this.outstanding++
    // bound rather than a closure: one of these per record
    const ack: () => void = this.ackEntry.bind(this, run, seq)
    const rec = {
      topic: m.topic,
      partition: m.partition,
      offset: m.offset,
      key: undefined as K | undefined,
      value: null as V | null,
      headers: m.headers,
      timestamp: Number(m.timestamp),
      ack,
    }
    withAck(rec, ack)
    rec.ack = ackOf(rec) ?? ack
    const o = this.options
    let part: 'key' | 'value' = 'key'
    try {
      if (m.key !== undefined && m.key !== null)
        rec.key = o.deserializeKey === undefined ? (m.key as K) : o.deserializeKey(m.key)
      part = 'value'
      if (m.value !== undefined && m.value !== null)
        rec.value = o.deserialize === undefined ? (m.value as V) : o.deserialize(m.value)
    } catch (e) {
      const raw = part === 'key' ? m.key : m.value
      const err = Object.assign(
        new Error(
          `${this.op}: could not decode the ${part} of ${m.topic}[${String(m.partition)}]@${String(m.offset)}: ${
            e instanceof Error ? e.message : String(e)
          }`,
          { cause: e },
        ),
        { topic: m.topic, partition: m.partition, offset: m.offset, raw, part },
      ) as KafkaDecodeError
      if (o.onError === undefined) throw err
      try {
        o.onError(err)
      } finally {
        rec.ack()
      }
      return undefined
    }
    return rec
  }

  private ackEntry(run: PartitionRun, seq: number): void {
    this.outstanding--
    const moved = run.ack(seq)
    if (this.outstanding === 0) this.drained?.()
    if (moved > 0 && run.active) {
      this.sinceCommit += moved
      if (this.sinceCommit >= this.commitEvery) void this.commit()
    }
  }

  /**
   * What to wait for before handing out more records, else undefined:
   * - during a rebalance, its end (the records fetched may no longer be this member's);
   * - while a commit is in flight and another `commitEvery` records have been acknowledged since
   *   it started, that commit. This bounds what a crash re-delivers at about two commit batches,
   *   however slow the broker is to commit.
   */
  get held(): Promise<void> | undefined {
    if (this.rebalancing !== undefined) return this.rebalancing.promise
    return this.committing !== undefined && this.sinceCommit >= this.commitEvery ? this.committing : undefined
  }

  /** Commit every partition's acknowledged offset; a commit already running is followed by another. */
  commit(): Promise<void> {
    const consumer = this.consumer
    if (consumer === undefined) return Promise.resolve()
    if (this.committing !== undefined) {
      this.again = true
      return this.committing
    }
    this.sinceCommit = 0
    const todo: [PartitionRun, bigint][] = []
    for (const r of this.runs.values()) if (r.dirty && r.ready !== undefined) todo.push([r, r.ready])
    for (const r of this.parting) if (r.dirty && r.ready !== undefined) todo.push([r, r.ready])
    this.parting = []
    if (todo.length === 0) return Promise.resolve()
    const offsets = todo.map(([r, offset]) => ({
      topic: r.topic,
      partition: r.partition,
      offset,
      leaderEpoch: r.leaderEpoch,
    }))
    const p = consumer.commit({ offsets }).then(
      () => {
        this.commitError = undefined
        for (const [r, off] of todo) if (r.committed === undefined || r.committed < off) r.committed = off
      },
      (e: unknown) => {
        this.commitError = e as Error // kept dirty: retried at the next tick
      },
    )
    this.committing = p.finally(() => {
      this.committing = undefined
      if (this.again) {
        this.again = false
        void this.commit()
      }
    })
    return this.committing
  }

  /** Wait for the commit in flight, then commit what is left. */
  private async flush(): Promise<void> {
    while (this.committing !== undefined) await this.committing
    await this.commit()
    if (this.commitError !== undefined && this.anyDirty()) {
      await this.commit()
      if (this.commitError !== undefined) throw this.commitError
    }
  }

  /**
   * Stop fetching, wait up to `drainMs` for the records handed out to be acknowledged, commit,
   * leave the group and close. Idempotent: every call returns the same promise.
   */
  close(drainMs: number): Promise<void> {
    this.closing ??= (async () => {
      this.endRebalance()
      this.poke()
      await this.opening?.catch(() => undefined)
      if (drainMs > 0 && this.outstanding > 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, drainMs)
          this.drained = () => {
            clearTimeout(t)
            resolve()
          }
        })
      }
      this.drained = undefined
      clearInterval(this.timer)
      try {
        if (this.stream !== undefined) await this.flush()
      } finally {
        await this.stream?.close().catch(() => undefined)
        await this.consumer?.close(true).catch(() => undefined)
      }
    })()
    return this.closing
  }
}

const DONE_RESULT: IteratorResult<never> = { done: true, value: undefined }
const noop = (): void => undefined

/**
 * The async iterable over a {@link KafkaReader}: `take(reader)` returns the next element or null
 * at the end. Each iteration opens its own consumer. `return()` commits what is acknowledged and
 * closes at once (also during a pending `next()`); aborting `signal` rejects the pending `next()`
 * with the reason, then waits up to `drainTimeout` for the records handed out to be acknowledged,
 * commits and closes; an error commits what is acknowledged, closes and is thrown.
 * @internal
 */
export function readerIterable<T, V, K>(
  op: string,
  topics: string[],
  options: FromKafkaOptions<V, K>,
  take: (reader: KafkaReader<V, K>) => Promise<T | null>,
  takeNow?: (reader: KafkaReader<V, K>) => T | undefined,
): Drivable<T> {
  const drainMs = toMs(op, 'config.drainTimeout', options.drainTimeout ?? 5000)
  const signal = options.signal
  return {
    // Driven by a built-in sink (or toKafka): records already fetched are pushed in a loop,
    // with no promise per record; the same reader, acks, commits and closing as iterating.
    async [DRIVE](step: Step<T>): Promise<void> {
      const reader = new KafkaReader<V, K>(op, topics, options)
      let stop: ((e: unknown) => void) | undefined
      const stopped = new Promise<never>((_, reject) => (stop = reject))
      stopped.catch(noop)
      const onAbort = (): void => {
        reader.close(drainMs).catch(noop)
        stop?.(signal?.reason)
      }
      if (signal?.aborted === true) throw signal.reason
      signal?.addEventListener('abort', onAbort, { once: true })
      const aborted = (): boolean => signal?.aborted === true
      try {
        await Promise.race([reader.open(), stopped])
        for (;;) {
          let x: T
          const held = reader.held
          if (held !== undefined) await Promise.race([held, stopped])
          const now = takeNow?.(reader)
          if (now !== undefined) x = now
          else {
            const y = await Promise.race([take(reader), stopped])
            if (y === null) break
            x = y
          }
          let r = step.push(x)
          if (r !== undefined) {
            if (r !== DONE) r = await Promise.race([r, stopped])
            if (r === DONE) return
          }
        }
        const r = step.end()
        if (r !== undefined && r !== DONE) await r
      } finally {
        signal?.removeEventListener('abort', onAbort)
        // aborted: closing (after the drain) goes on in the background, as onAbort started it
        if (!aborted()) await reader.close(0)
      }
    },
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const reader = new KafkaReader<V, K>(op, topics, options)
      let finished = false
      let stopNow: (() => void) | undefined
      // the pending next() rejects through its own listener, added after this one
      const onAbort = (): void => {
        finished = true
        reader.close(drainMs).catch(noop)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      const step = async (): Promise<IteratorResult<T>> => {
        await reader.open()
        await reader.held
        const x = await take(reader)
        if (x === null) {
          finished = true
          signal?.removeEventListener('abort', onAbort)
          await reader.close(0)
          return DONE_RESULT
        }
        return { done: false, value: x }
      }
      return {
        next(): Promise<IteratorResult<T>> {
          if (signal?.aborted === true) {
            onAbort()
            return Promise.reject(signal.reason as Error)
          }
          if (finished) return Promise.resolve(DONE_RESULT)
          if (takeNow !== undefined && reader.held === undefined) {
            // fast path: a record already fetched (decoding may throw: that goes the slow way)
            try {
              const x = takeNow(reader)
              if (x !== undefined) return Promise.resolve({ done: false, value: x })
            } catch (e) {
              finished = true
              return reader.close(0).then(
                () => Promise.reject(e as Error),
                () => Promise.reject(e as Error),
              )
            }
          }
          return new Promise<IteratorResult<T>>((resolve, reject) => {
            const abort = (): void => reject(signal?.reason as Error)
            signal?.addEventListener('abort', abort, { once: true })
            stopNow = () => resolve(DONE_RESULT)
            step().then(
              (r) => {
                signal?.removeEventListener('abort', abort)
                resolve(finished ? DONE_RESULT : r)
              },
              (e: unknown) => {
                signal?.removeEventListener('abort', abort)
                finished = true
                reader.close(0).then(
                  () => reject(e as Error),
                  () => reject(e as Error),
                )
              },
            )
          })
        },
        async return(): Promise<IteratorResult<T>> {
          finished = true
          stopNow?.()
          signal?.removeEventListener('abort', onAbort)
          await reader.close(0)
          return DONE_RESULT
        },
      }
    },
  }
}
