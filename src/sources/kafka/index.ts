/**
 * streamz-ts/kafka: Kafka sources and sink with at-least-once delivery, on `@platformatic/kafka`
 * (an optional peer dependency: install it to use this module).
 * @packageDocumentation
 */
export { fromKafka } from './from-kafka.js'
export { fromKafkaBatched, type FromKafkaBatchedOptions } from './from-kafka-batched.js'
export { toKafka, type ToKafkaOptions, type KafkaMessage } from './to-kafka.js'
export type { FromKafkaOptions, KafkaRecord, KafkaBatch, KafkaDecodeError } from './types.js'
