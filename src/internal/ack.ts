/**
 * Acknowledgements that ride along with elements, for at-least-once sources (Kafka).
 *
 * An acked source attaches an `Ack` to each element object under the `ACK` symbol (see
 * {@link withAck}) and marks the iterable it returns with {@link carryAcks}, so the built-in
 * operators downstream carry the acks on: a dropped element is acknowledged, a batch acks all of
 * its elements, a flattened element acks once all of its children have, and a sink acks after its
 * function resolves.
 * @module
 */

/** Where an element keeps its acknowledgement. */
export const ACK: unique symbol = Symbol.for('streamz-ts.ack') as never

/** Acknowledge one element: it has been fully handled and may be committed. Idempotent. */
export type Ack = () => void

/**
 * Attach `ack` to `value` (an object or array) as a hidden, non-enumerable property and return
 * `value`. The ack is called at most once, however often it is invoked.
 */
export function withAck<T extends object>(value: T, ack: Ack): T {
  let done = false
  const once: Ack = () => {
    if (done) return
    done = true
    ack()
  }
  Object.defineProperty(value, ACK, { value: once, configurable: true, enumerable: false, writable: true })
  return value
}

/** The ack an element carries, or `undefined`. */
export function ackOf(value: unknown): Ack | undefined {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined
  const a = (value as { [ACK]?: unknown })[ACK]
  return typeof a === 'function' ? (a as Ack) : undefined
}

/**
 * Mark `source` as carrying acks, so the built-in operators applied to it carry them on.
 * (The carrying itself lands with the Kafka work; until then this returns `source` as it is.)
 */
export function carryAcks<S extends object>(source: S): S {
  return source
}
