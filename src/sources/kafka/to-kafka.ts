import { Producer, type MessageToProduce } from '@platformatic/kafka'
import { type Ack, holdAck } from '../../internal/ack.js'
import { checkFunction, checkInteger, checkObject, fail, show } from '../../internal/check.js'
import { drive } from '../../pipe/flow.js'
import type { Sink } from '../../pipe/types.js'

/**
 * One message for {@link toKafka}, when an element is not just the value.
 * @example
 * ```ts
 * await pipe(orders, map((o) => ({ key: o.id, value: JSON.stringify(o), headers: { source: 'web' } })), toKafka('orders', { brokers }))
 * ```
 */
export interface KafkaMessage {
  key?: string | Buffer | null
  value: unknown
  headers?: Record<string, string | Buffer> | Map<string, string | Buffer>
  /** a fixed partition (default: chosen from the key by the client) */
  partition?: number
}

/** Options for {@link toKafka}. */
export interface ToKafkaOptions {
  /** bootstrap brokers, `'host:port'` or a list of them */
  brokers: string | string[]
  /** default `'streamz-ts'` */
  clientId?: string
  /** turn a value that is not a string, Buffer or null into one (default: such a value is an error) */
  serialize?: (value: unknown) => string | Buffer
  /** the most messages in one produce request (default 1000) */
  batchSize?: number
  /** `-1` (all in-sync replicas, the default), `1` (the leader) or `0` (no acknowledgement: no at-least-once) */
  acks?: -1 | 0 | 1
  /** extra options passed to the `@platformatic/kafka` Producer as they are (TLS, SASL, idempotent, compression) */
  client?: Record<string, unknown>
}

type Out = MessageToProduce<Buffer, Buffer, string>

const isBytes = (x: unknown): x is Buffer | Uint8Array => x instanceof Uint8Array

function bytes(x: string | Buffer | Uint8Array): Buffer {
  return typeof x === 'string' ? Buffer.from(x) : Buffer.isBuffer(x) ? x : Buffer.from(x.buffer, x.byteOffset, x.length)
}

/**
 * A sink that produces each element to `topic` and resolves once the source has ended and every
 * message is acknowledged by the broker. An element is the value (a string, a Buffer, or `null`
 * for a tombstone; anything else goes through `serialize`) or a `{ key, value, headers, partition }`
 * object. Elements that carry an ack (records from {@link fromKafka}, or elements made from them
 * by operators that carry acks) are acknowledged only after the broker has confirmed their
 * message (`acks: -1` by default: all in-sync replicas), so `fromKafka → map → toKafka` is
 * at-least-once from end to end. While one produce request is in flight the next elements are
 * taken and batched (up to `batchSize`), in order. A message the client could not deliver after
 * its retries rejects the sink with that error (its ack is never called) and closes the source.
 * @param topic - the topic to write to
 * @param options - `{ brokers, clientId, serialize, batchSize, acks, client }`
 * @example
 * ```ts
 * import { pipe, map } from 'streamz-ts'
 * import { fromKafka, toKafka } from 'streamz-ts/kafka'
 *
 * await pipe(
 *   fromKafka('raw', { brokers: 'localhost:9092', groupId: 'cleaner' }),
 *   map((r) => ({ key: r.key, value: String(r.value).trim() })),
 *   toKafka('clean', { brokers: 'localhost:9092' }),
 * )
 * ```
 */
export function toKafka<T = unknown>(topic: string, options: ToKafkaOptions): Sink<T> {
  const op = 'toKafka'
  if (typeof topic !== 'string' || topic === '') fail(TypeError, op, 'topic', 'a non-empty string', topic)
  if ((options as unknown) === undefined) fail(TypeError, op, 'options', 'an options object', options)
  checkObject(op, 'options', options)
  const { brokers, serialize, batchSize = 1000, acks = -1 } = options
  const list = typeof brokers === 'string' ? [brokers] : brokers
  if (!Array.isArray(list) || list.length === 0 || list.some((b) => typeof b !== 'string' || !b.includes(':')))
    fail(TypeError, op, 'options.brokers', "'host:port' or a non-empty list of them", brokers)
  if (serialize !== undefined) checkFunction(op, 'options.serialize', serialize)
  checkInteger(op, 'options.batchSize', batchSize, 1)
  if (acks !== -1 && acks !== 0 && acks !== 1) fail(RangeError, op, 'options.acks', '-1, 0 or 1', acks)
  checkObject(op, 'options.client', options.client)

  const encode = (v: unknown): Buffer | undefined => {
    if (v === null || v === undefined) return undefined
    if (typeof v === 'string' || isBytes(v)) return bytes(v)
    if (serialize === undefined)
      throw new TypeError(
        `${op}: a value must be a string, a Buffer or null (or pass options.serialize), got ${show(v)}`,
      )
    const s = serialize(v)
    if (typeof s !== 'string' && !isBytes(s))
      throw new TypeError(`${op}: serialize must return a string or a Buffer, got ${show(s)}`)
    return bytes(s)
  }
  const toMessage = (x: unknown): Out => {
    if (x === null || typeof x === 'string' || isBytes(x) || typeof x !== 'object' || !('value' in x)) {
      const value = encode(x)
      return value === undefined ? { topic } : { topic, value }
    }
    const m = x as KafkaMessage
    const out: Out = { topic }
    const value = encode(m.value)
    if (value !== undefined) out.value = value
    if (m.key !== undefined && m.key !== null) out.key = bytes(m.key)
    if (m.partition !== undefined) out.partition = m.partition
    if (m.headers !== undefined) {
      const h = new Map<string, Buffer>()
      const entries = m.headers instanceof Map ? m.headers.entries() : Object.entries(m.headers)
      for (const [k, v] of entries) h.set(k, bytes(v))
      out.headers = h
    }
    return out
  }

  return async function toKafkaSink(source) {
    const producer = new Producer<Buffer, Buffer, string, Buffer>({
      clientId: options.clientId ?? 'streamz-ts',
      bootstrapBrokers: list,
      acks,
      retries: 3,
      retryDelay: 500,
      serializers: { headerKey: (k) => (k === undefined ? undefined : Buffer.from(k)) },
      ...(options.client ?? {}),
    })
    let batch: Out[] = []
    let acksOf: (Ack | undefined)[] = []
    let inflight: Promise<void> | undefined
    let failure: { error: unknown } | undefined
    const failed = (): { error: unknown } | undefined => failure
    let wakeFull: (() => void) | undefined
    const wake = (): void => {
      const w = wakeFull
      wakeFull = undefined
      w?.()
    }
    const send = (): void => {
      const msgs = batch
      const items = acksOf
      batch = []
      acksOf = []
      inflight = producer.send({ messages: msgs }).then(
        () => {
          for (const a of items) a?.()
          inflight = undefined
          if (batch.length > 0 && failure === undefined) send()
          wake()
        },
        (e: unknown) => {
          failure ??= { error: e }
          inflight = undefined
          wake()
        },
      )
    }
    const check = (): void => {
      const f = failed()
      if (f !== undefined) throw f.error
    }
    try {
      // driven (pushed into) rather than iterated: no promise per element while nothing waits
      await drive(source, {
        push(x) {
          check()
          batch.push(toMessage(x))
          acksOf.push(holdAck(x)) // acknowledged once the broker has the message, not when push returns
          if (inflight === undefined) send()
          else if (batch.length >= batchSize)
            // back pressure: wait for the request in flight (which then sends this batch)
            return new Promise<void>((resolve) => (wakeFull = resolve)).then(check)
          return undefined
        },
        async end() {
          while (inflight !== undefined || batch.length > 0) {
            check()
            if (inflight === undefined) send()
            await inflight
          }
          check()
        },
      })
    } finally {
      await inflight?.catch(() => undefined)
      await producer.close().catch(() => undefined)
    }
  }
}
