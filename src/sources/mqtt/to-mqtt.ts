import { connect, type IClientOptions, type MqttClient } from 'mqtt'
import type { Sink } from '../../pipe/types.js'
import { drive } from '../../pipe/flow.js'
import { abortable } from '../../internal/abort.js'
import { checkObject, checkSignal, fail, show } from '../../internal/check.js'

/** Options for {@link toMqtt}: these plus every mqtt.js client option (`clientId`, `username`, ...). */
export interface ToMqttOptions extends Omit<IClientOptions, 'manualConnect'> {
  /** The QoS of each publication. Default 0. With 1 or 2, each is awaited until the broker has it. */
  qos?: 0 | 1 | 2
  /** Publish as retained messages. Default false. */
  retain?: boolean
  /** Aborting it stops the sink: the Promise rejects with `signal.reason` and the client closes. */
  signal?: AbortSignal
}

/** The bytes published for one element. */
function encode(x: unknown): string | Buffer {
  if (typeof x === 'string' || Buffer.isBuffer(x)) return x
  if (x instanceof Uint8Array) return Buffer.from(x.buffer, x.byteOffset, x.byteLength)
  if (x === undefined || typeof x === 'function' || typeof x === 'symbol' || typeof x === 'bigint')
    throw new TypeError(`toMqtt: cannot publish ${show(x)}: elements must be strings, bytes or JSON values`)
  return JSON.stringify(x)
}

/** Resolves once connected; rejects on the first error or close before that. */
function connected(client: MqttClient, url: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onConnect = (): void => {
      off()
      resolve()
    }
    const onError = (err: Error): void => {
      off()
      reject(new Error(`toMqtt: ${url}: ${err.message}`, { cause: err }))
    }
    // no CONNACK within connectTimeout (a host that does not answer) closes without an error
    const onClose = (): void => onError(new Error('the connection closed before the broker accepted it'))
    const off = (): void => {
      client.off('connect', onConnect)
      client.off('error', onError)
      client.off('close', onClose)
    }
    client.on('connect', onConnect)
    client.on('error', onError)
    client.on('close', onClose)
  })
}

/**
 * Publish every element to an MQTT topic (Streamz `to_mqtt`). Strings, `Buffer`s and
 * `Uint8Array`s are published as they are; any other value (number, boolean, object, array,
 * `null`) as its JSON text. `topic` may be a function of the element, to route each one.
 *
 * The client connects when the sink starts; a failure to connect rejects the Promise with an
 * error naming the url. Each element is taken once the previous publication is done: with
 * QoS 1 or 2, once the broker has acknowledged it, which is the back pressure; with QoS 0,
 * once it is written. If the connection drops, mqtt.js reconnects and sends again what was not
 * acknowledged, and the sink waits meanwhile. A publication the broker refuses (MQTT 5 reason
 * code) and a refused reconnection reject the Promise. The Promise resolves once the source
 * has ended and the client has closed, all publications acknowledged.
 * @param url - the broker, e.g. `'mqtt://localhost:1883'`
 * @param topic - the topic to publish to, or a function giving it for each element
 * @param options - `{ qos = 0, retain = false, signal }` and any mqtt.js client option
 * @example
 * ```ts
 * await pipe(
 *   [{ celsius: 21.5 }, { celsius: 22 }],
 *   toMqtt('mqtt://localhost', 'sensors/kitchen/temperature', { qos: 1 }), // publishes '{"celsius":21.5}', ...
 * )
 * ```
 */
export function toMqtt<T>(url: string, topic: string | ((x: T) => string), options: ToMqttOptions = {}): Sink<T> {
  if (typeof url !== 'string' || url === '') fail(TypeError, 'toMqtt', 'url', 'a non-empty string', url)
  if (!((typeof topic === 'string' && topic !== '') || typeof topic === 'function'))
    fail(TypeError, 'toMqtt', 'topic', 'a non-empty string or a function', topic)
  checkObject('toMqtt', 'options', options)
  const { qos = 0, retain = false, signal, ...clientOptions } = options
  if (qos !== 0 && qos !== 1 && qos !== 2) fail(RangeError, 'toMqtt', 'qos', '0, 1 or 2', qos)
  if (typeof retain !== 'boolean') fail(TypeError, 'toMqtt', 'retain', 'a boolean', retain)
  checkSignal('toMqtt', signal)
  return async function toMqttSink(source) {
    signal?.throwIfAborted()
    const client = connect(url, { reconnectPeriod: 1000, ...clientOptions, manualConnect: false })
    // a refused reconnection, or an abort, fails the publication being awaited
    let reject: ((e: unknown) => void) | undefined
    const failed = new Promise<never>((_, r) => (reject = r))
    failed.catch(() => undefined)
    const onAbort = (): void => reject?.(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    let ok = false
    try {
      await Promise.race([connected(client, url), failed])
      client.on('error', (err) => {
        if (typeof (err as { code?: unknown }).code === 'number')
          reject?.(new Error(`toMqtt: ${url}: ${err.message}`, { cause: err }))
      })
      await drive(abortable(source, signal), {
        push: async (x) => {
          const t = typeof topic === 'function' ? topic(x) : topic
          if (typeof t !== 'string' || t === '')
            throw new TypeError(`toMqtt: topic(x) must return a non-empty string, got ${show(t)}`)
          const publication = client.publishAsync(t, encode(x), { qos, retain }).catch((e: unknown) => {
            throw new Error(
              `toMqtt: ${url}: publishing to ${show(t)} failed: ${e instanceof Error ? e.message : String(e)}`,
              { cause: e },
            )
          })
          await Promise.race([publication, failed])
        },
        end: () => undefined,
      })
      ok = true
    } finally {
      signal?.removeEventListener('abort', onAbort)
      client.on('error', () => undefined)
      // a clean end waits for the last acknowledgements; after a failure, close at once
      await client.endAsync(!ok)
    }
  }
}
