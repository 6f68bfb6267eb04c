import { ACK, withAck } from '../../internal/ack.js'
import { checkInteger, checkObject, fail } from '../../internal/check.js'
import { carryAcks } from '../../internal/ack.js'
import { toMs } from '../../internal/duration.js'
import { checkConsumerOptions, readerIterable } from './reader.js'
import type { FromKafkaOptions, KafkaBatch, KafkaRecord } from './types.js'

/** Batching options for {@link fromKafkaBatched}. */
export interface FromKafkaBatchedOptions {
  /** the most records in one batch (default 10000) */
  maxBatchSize?: number
  /** how long a poll collects records once the first has arrived (ms or `'1s'`; default 1000) */
  pollInterval?: number | string
}

/**
 * Consume `topic` in batches (Streamz `from_kafka_batched`): each poll waits for a record, then
 * collects what arrives within `pollInterval` (or until a partition has `maxBatchSize`), and
 * emits one array per partition, in offset order. A batch's `ack()` (also under the `ACK` symbol)
 * acknowledges all of its records; each record also has its own `ack()`. Commits, rebalances,
 * `signal` and closing work as in {@link fromKafka}.
 * @param topic - the topic
 * @param config - as for {@link fromKafka}
 * @param options - `{ maxBatchSize = 10000, pollInterval = '1s' }`
 * @example
 * ```ts
 * import { pipe, sink } from 'streamz-ts'
 * import { fromKafkaBatched } from 'streamz-ts/kafka'
 *
 * await pipe(
 *   fromKafkaBatched('clicks', { brokers: 'localhost:9092', groupId: 'loader' }, { maxBatchSize: 500, pollInterval: '200ms' }),
 *   sink(async (batch) => {
 *     await insertRows(batch.map((r) => r.value)) // one write per partition batch
 *     batch.ack()
 *   }),
 * )
 * ```
 */
export function fromKafkaBatched<V = Buffer, K = Buffer>(
  topic: string,
  config: FromKafkaOptions<V, K>,
  options: FromKafkaBatchedOptions = {},
): AsyncIterable<KafkaBatch<V, K>> {
  const op = 'fromKafkaBatched'
  if (typeof topic !== 'string' || topic === '') fail(TypeError, op, 'topic', 'a non-empty string', topic)
  checkConsumerOptions(op, [topic], config)
  checkObject(op, 'options', options)
  const { maxBatchSize = 10_000 } = options
  checkInteger(op, 'options.maxBatchSize', maxBatchSize, 1)
  const pollInterval = toMs(op, 'options.pollInterval', options.pollInterval ?? 1000)
  // per iteration (each has its own reader): batches cut and not yet emitted, end of the last poll
  const state = new WeakMap<object, { ready: KafkaBatch<V, K>[]; lastPoll: number }>()
  return carryAcks(
    readerIterable(op, [topic], config, async (reader) => {
      let st = state.get(reader)
      if (st === undefined) state.set(reader, (st = { ready: [], lastPoll: -Infinity }))
      for (;;) {
        const b = st.ready.shift()
        if (b !== undefined) return b
        const groups = new Map<number, KafkaRecord<V, K>[]>()
        let deadline = Infinity
        for (;;) {
          // what is already fetched is taken even after the deadline (read checks the buffer first)
          const m = await reader.read(deadline === Infinity ? Infinity : Math.max(0, deadline - Date.now()))
          if (m === null) {
            if (groups.size === 0) return null
            break
          }
          if (m === undefined) break
          if (deadline === Infinity) deadline = Math.max(Date.now(), st.lastPoll + pollInterval)
          const rec = reader.deliver(m)
          if (rec === undefined) continue
          let g = groups.get(rec.partition)
          if (g === undefined) groups.set(rec.partition, (g = []))
          g.push(rec)
          if (g.length >= maxBatchSize) break
        }
        st.lastPoll = Date.now()
        for (const recs of groups.values()) st.ready.push(toBatch(recs))
      }
    }),
  )
}

function toBatch<V, K>(recs: KafkaRecord<V, K>[]): KafkaBatch<V, K> {
  const ackAll = (): void => {
    for (const r of recs) r.ack()
  }
  withAck(recs, ackAll)
  Object.defineProperty(recs, 'ack', { value: recs[ACK as never], enumerable: false, configurable: true })
  return recs as KafkaBatch<V, K>
}
