import { carryAcks } from '../../internal/ack.js'
import { fail } from '../../internal/check.js'
import { checkConsumerOptions, readerIterable } from './reader.js'
import type { FromKafkaOptions, KafkaRecord } from './types.js'

/**
 * Consume `topics` as a member of the consumer group `config.groupId` (Streamz `from_kafka`),
 * with at-least-once delivery: the client's autocommit is off, every record carries an `ack()`,
 * and a partition's offset is committed only past records that are acknowledged together with
 * every record before them (every `commitEvery` acknowledged records, at least every
 * `commitInterval`, on a rebalance and on close). A record that was handed out but not
 * acknowledged when the process dies comes again after the restart: duplicates are possible,
 * losses are not. Acks travel through `map`, `filter`, `partition`, `timedWindow`, `flatten` and
 * `sink` (see docs/at-least-once.md); ack yourself after writing when your sink is a loop.
 *
 * Demand is pull-based: the client fetches only while the pipeline keeps up, and heartbeats run
 * on their own timer, so a slow pipeline does not lose its partitions. `break` (or an error
 * downstream) commits what is acknowledged and leaves the group; aborting `config.signal` rejects
 * the pending `next()`, waits up to `drainTimeout` for the records in flight to be acknowledged,
 * then commits and leaves. A broker that can't be reached rejects the first `next()` with an
 * error naming the brokers.
 * @param topics - a topic name or a list of them
 * @param config - `{ brokers, groupId, fromBeginning, commitEvery, commitInterval, deserialize, onError, signal, ... }`
 * @example
 * ```ts
 * import { pipe, map, sink } from 'streamz-ts'
 * import { fromKafka } from 'streamz-ts/kafka'
 *
 * await pipe(
 *   fromKafka('orders', { brokers: 'localhost:9092', groupId: 'billing', deserialize: (b) => JSON.parse(String(b)) }),
 *   sink(async (r) => {
 *     await save(r.value) // your own write
 *     r.ack() // now offset r.offset may be committed
 *   }),
 * )
 * ```
 */
export function fromKafka<V = Buffer, K = Buffer>(
  topics: string | string[],
  config: FromKafkaOptions<V, K>,
): AsyncIterable<KafkaRecord<V, K>> {
  const list = typeof topics === 'string' ? [topics] : topics
  if (!Array.isArray(list)) fail(TypeError, 'fromKafka', 'topics', 'a topic name or a list of them', topics)
  checkConsumerOptions('fromKafka', list, config)
  return carryAcks(
    readerIterable(
      'fromKafka',
      [...list],
      config,
      async (reader) => {
        for (;;) {
          const m = await reader.read()
          if (m === null || m === undefined) return null
          const rec = reader.deliver(m)
          if (rec !== undefined) return rec
        }
      },
      (reader) => {
        for (;;) {
          const m = reader.readNow()
          if (m === undefined) return undefined
          const rec = reader.deliver(m)
          if (rec !== undefined) return rec
        }
      },
    ),
  )
}
