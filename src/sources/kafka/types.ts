/** Shared types of streamz-ts/kafka. */

/**
 * One consumed Kafka record. Call `ack()` once it has been fully handled (written, sent on);
 * the source commits a partition's offset only past records that are acknowledged, together
 * with every record before them. The same acknowledgement is attached under the `ACK` symbol,
 * so operators that carry acks pass it on.
 * @example
 * ```ts
 * for await (const r of fromKafka<string>('orders', { brokers, groupId, deserialize: String })) {
 *   await save(r.key?.toString(), r.value, r.offset)
 *   r.ack()
 * }
 * ```
 */
export interface KafkaRecord<V = Buffer, K = Buffer> {
  topic: string
  partition: number
  /** the record's offset in its partition (exact: a bigint) */
  offset: bigint
  /** the key, deserialized; `undefined` when the record has none */
  key: K | undefined
  /** the value, deserialized; `null` for a tombstone (a record without a value) */
  value: V | null
  /** header names (UTF-8) to raw values */
  headers: Map<string, Buffer>
  /** the record's timestamp, in ms since the epoch */
  timestamp: number
  /** acknowledge this record (idempotent) */
  ack(this: void): void
}

/**
 * The records of one partition from one poll of {@link fromKafkaBatched}; `ack()` acks all of them.
 * @example
 * ```ts
 * for await (const batch of fromKafkaBatched('orders', { brokers, groupId }, { maxBatchSize: 500 })) {
 *   await db.insertMany(batch.map((r) => r.value))
 *   batch.ack()
 * }
 * ```
 */
export type KafkaBatch<V = Buffer, K = Buffer> = KafkaRecord<V, K>[] & { ack(this: void): void }

/**
 * What an `onError` handler of the Kafka sources receives for a record it could not decode.
 * @example
 * ```ts
 * fromKafka('orders', { brokers, groupId, deserialize: JSON.parse, onError: (e: KafkaDecodeError) => log.warn(e.message) })
 * ```
 */
export interface KafkaDecodeError extends Error {
  topic: string
  partition: number
  offset: bigint
  /** the raw value (or key) that failed */
  raw: Buffer | undefined
  /** `'key'` or `'value'` */
  part: 'key' | 'value'
}

/** Connection and group settings shared by {@link fromKafka} and {@link fromKafkaBatched}. */
export interface FromKafkaOptions<V = Buffer, K = Buffer> {
  /** bootstrap brokers, `'host:port'` or a list of them */
  brokers: string | string[]
  /** the consumer group: its committed offsets are where a restart resumes */
  groupId: string
  /** default `'streamz-ts'` */
  clientId?: string
  /** where a group without committed offsets starts: the earliest record (true) or new records only (default) */
  fromBeginning?: boolean
  /** commit once this many records have been acknowledged since the last commit (default 1000) */
  commitEvery?: number
  /** and at least this often while something is acknowledged and not committed (ms or `'1s'`; default 1000) */
  commitInterval?: number | string
  /** the group session timeout in ms (default 10000): a member silent that long loses its partitions */
  sessionTimeout?: number
  /** ms between heartbeats (default a third of the session timeout, at most 3000) */
  heartbeatInterval?: number
  /** after `signal` aborts, how long to wait for the records already handed out to be acknowledged before the last commit (ms or `'5s'`; default 5000) */
  drainTimeout?: number | string
  /** turn a raw value into `V` (default: the Buffer as it is); it may throw, see `onError` */
  deserialize?: (value: Buffer) => V
  /** turn a raw key into `K` (default: the Buffer as it is) */
  deserializeKey?: (key: Buffer) => K
  /**
   * Called with a record that `deserialize` or `deserializeKey` threw on; the record is then
   * acknowledged and skipped. Without `onError`, such a record fails the source (unacknowledged,
   * so a restart meets it again).
   */
  onError?: (error: KafkaDecodeError) => void
  /** stop consuming: the pending `next()` rejects with `signal.reason`, then acknowledged offsets are committed and the consumer leaves its group */
  signal?: AbortSignal
  /** extra options passed to the `@platformatic/kafka` Consumer as they are (TLS, SASL, timeouts) */
  client?: Record<string, unknown>
}
