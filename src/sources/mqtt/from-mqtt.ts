import { connect, type IClientOptions, type IPublishPacket, type ISubscriptionGrant, type MqttClient } from 'mqtt'
import { checkInteger, checkObject, checkSignal, fail, show } from '../../internal/check.js'
import { Queue } from '../../internal/queue.js'

/**
 * One message received by {@link fromMqtt}. `payload` is the raw bytes, or what the `parse`
 * option made of them.
 * @example
 * ```ts
 * for await (const msg of fromMqtt('mqtt://localhost', 'sensors/#')) {
 *   const m: MqttMessage = msg
 *   console.log(m.topic, m.payload.toString(), m.qos, m.retain)
 * }
 * ```
 */
export interface MqttMessage<P = Buffer> {
  /** The topic it was published to (never a wildcard). */
  topic: string
  /** The payload: the bytes as received, or the value `parse` returned. */
  payload: P
  /** The QoS it was delivered with: the lower of the publisher's and the subscription's. */
  qos: 0 | 1 | 2
  /** True for a retained message the broker sent on subscribing. */
  retain: boolean
  /** True when the broker says it may have delivered this message before (a redelivery). */
  dup: boolean
  /** MQTT 5 properties (content type, user properties, ...), when the broker sent any. */
  properties?: IPublishPacket['properties']
}

/** Options for {@link fromMqtt}: these plus every mqtt.js client option (`clientId`, `clean`, `username`, ...). */
export interface FromMqttOptions<P = Buffer> extends Omit<IClientOptions, 'manualConnect'> {
  /** The QoS asked for on subscribing. Default 0 (as in Streamz). */
  qos?: 0 | 1 | 2
  /**
   * How many received messages may wait, not yet taken by the pipeline, before the client
   * stops reading from the broker. Default 16. QoS 1/2 messages are acknowledged to the broker
   * when they enter this buffer (or, with 0, when the pipeline takes them).
   */
  highWaterMark?: number
  /**
   * Turns each payload into the element's `payload`. When it throws, the message is
   * skipped (and acknowledged) and the error goes to `onError`. Without `onError` the stream
   * fails at that message, after the ones before it; those after it are not acknowledged.
   */
  parse?: (payload: Buffer, topic: string) => P
  /**
   * Where errors that do not stop the stream go: payloads `parse` rejected, and connection
   * errors after the first connection while the client reconnects.
   */
  onError?: (error: Error) => void
  /** Called once the first subscription is granted: from then on, publications are received. */
  onSubscribe?: (granted: ISubscriptionGrant[]) => void
  /** Aborting it rejects the pending `next()` with `signal.reason` and closes the client. */
  signal?: AbortSignal
}

type Item<P> = { message: MqttMessage<P> } | { error: unknown }

const DONE: IteratorResult<never> = Object.freeze({ value: undefined, done: true }) as IteratorResult<never>

/** True for a refusal by the broker (CONNACK or SUBACK return code), not a network hiccup. */
function isRefusal(e: unknown): boolean {
  const code = (e as { code?: unknown }).code
  return typeof code === 'number' && code !== 0
}

class MqttSource<P> implements AsyncIterator<MqttMessage<P>> {
  private client: MqttClient | undefined
  private readonly q = new Queue<Item<P>>()
  /** mqtt.js's callback for the message it is waiting on: called, it reads the next packet. */
  private held: (() => void) | undefined
  private pending: { resolve: (r: IteratorResult<MqttMessage<P>>) => void; reject: (e: unknown) => void } | undefined
  private connected = false
  private closed = false
  /**
   * A payload failed `parse` without `onError`: the stream ends at that message, which is
   * acknowledged ('failed'); nothing after it is ('acked').
   */
  private poison: 'none' | 'failed' | 'acked' = 'none'
  private closing: Promise<void> | undefined
  private failure: { error: unknown } | undefined
  private readonly onAbort = (): void => {
    this.fail(this.signal?.reason)
  }

  constructor(
    private readonly url: string,
    private readonly topics: string[],
    private readonly qos: 0 | 1 | 2,
    private readonly hwm: number,
    private readonly parse: ((payload: Buffer, topic: string) => P) | undefined,
    private readonly onError: ((e: Error) => void) | undefined,
    private readonly onSubscribe: ((granted: ISubscriptionGrant[]) => void) | undefined,
    private readonly signal: AbortSignal | undefined,
    private readonly clientOptions: IClientOptions,
  ) {}

  private start(): void {
    this.signal?.addEventListener('abort', this.onAbort, { once: true })
    const client = connect(this.url, { reconnectPeriod: 1000, ...this.clientOptions, manualConnect: false })
    this.client = client
    client.handleMessage = (_packet, callback) => {
      // 'message' was emitted just before: hold the broker back while the buffer is full;
      // once closing, acknowledge nothing more (a persistent session gets it again)
      if (this.poison === 'failed') {
        this.poison = 'acked'
        return callback()
      }
      if (this.closed || this.poison === 'acked') return
      if (this.q.length <= this.hwm) callback()
      else this.held = callback
    }
    client.on('message', (topic, payload, packet) => this.receive(topic, payload, packet))
    client.on('connect', () => {
      if (this.connected) return // reconnected: mqtt.js resubscribes when the session is gone
      this.connected = true
      client.subscribe(this.topics, { qos: this.qos }, (err, granted) => {
        if (this.closed) return
        const refused = err ? this.topics : (granted ?? []).filter((g) => g.qos >= 0x80).map((g) => g.topic)
        if (refused.length > 0)
          return this.fail(
            new Error(
              `fromMqtt: ${this.url}: the broker refused the subscription to ${refused.map(show).join(', ')}${err ? `: ${err.message}` : ''}`,
              { cause: err },
            ),
          )
        this.onSubscribe?.(granted ?? [])
      })
    })
    client.on('error', (err) => {
      if (this.closed) return
      if (!this.connected || isRefusal(err))
        this.fail(new Error(`fromMqtt: ${this.url}: ${err.message}`, { cause: err }))
      else this.report(new Error(`fromMqtt: ${this.url}: ${err.message} (reconnecting)`, { cause: err }))
    })
    client.on('close', () => {
      // no CONNACK within connectTimeout (a host that does not answer) closes without an error
      if (!this.connected && !this.closed)
        this.fail(new Error(`fromMqtt: ${this.url}: the connection closed before the broker accepted it`))
    })
  }

  /** Pass `e` to `onError`; an `onError` that throws fails the stream. */
  private report(e: Error): void {
    try {
      this.onError?.(e)
    } catch (thrown) {
      this.fail(thrown)
    }
  }

  private receive(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (this.closed || this.poison !== 'none') return
    let value: P
    if (this.parse === undefined) value = payload as P
    else {
      try {
        value = this.parse(payload, topic)
      } catch (e) {
        const error = new Error(
          `fromMqtt: parse failed on a message on ${show(topic)} (${payload.length} bytes): ${e instanceof Error ? e.message : String(e)}`,
          { cause: e },
        )
        if (this.onError !== undefined) this.report(error)
        else {
          this.poison = 'failed'
          this.deliver({ error })
        }
        return
      }
    }
    const message: MqttMessage<P> = {
      topic,
      payload: value,
      qos: packet.qos,
      retain: packet.retain,
      dup: packet.dup,
    }
    if (packet.properties !== undefined) message.properties = packet.properties
    this.deliver({ message })
  }

  private deliver(item: Item<P>): void {
    const p = this.pending
    if (p !== undefined && this.q.length === 0) {
      this.pending = undefined
      if ('message' in item) p.resolve({ value: item.message, done: false })
      else {
        void this.close()
        p.reject(item.error)
      }
    } else this.q.push(item)
  }

  private take(): Promise<IteratorResult<MqttMessage<P>>> {
    const item = this.q.shift()
    if (this.held !== undefined && this.q.length <= this.hwm) {
      const h = this.held
      this.held = undefined
      h()
    }
    if ('message' in item) return Promise.resolve({ value: item.message, done: false })
    return this.close().then(() => Promise.reject(item.error as Error))
  }

  private fail(error: unknown): void {
    if (this.closed) return
    void this.close()
    this.q.clear()
    const p = this.pending
    this.pending = undefined
    if (p !== undefined) p.reject(error)
    else this.failure = { error }
  }

  private close(): Promise<void> {
    if (this.closing !== undefined) return this.closing
    this.closed = true
    this.signal?.removeEventListener('abort', this.onAbort)
    const client = this.client
    // a held message is not acknowledged: a persistent session gets it again
    this.held = undefined
    this.closing =
      client === undefined
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            client.removeAllListeners('message')
            client.on('error', () => undefined)
            client.end(false, {}, () => resolve())
          })
    return this.closing
  }

  next(): Promise<IteratorResult<MqttMessage<P>>> {
    if (this.q.length > 0) return this.take()
    if (this.failure !== undefined) {
      const { error } = this.failure
      this.failure = undefined
      return this.close().then(() => Promise.reject(error as Error))
    }
    if (this.closed) return Promise.resolve(DONE)
    if (this.pending !== undefined) return Promise.reject(new Error('fromMqtt: next() called while another is pending'))
    if (this.signal?.aborted === true) {
      this.closed = true
      return Promise.reject(this.signal.reason as Error)
    }
    if (this.client === undefined) this.start()
    return new Promise((resolve, reject) => (this.pending = { resolve, reject }))
  }

  async return(): Promise<IteratorResult<MqttMessage<P>>> {
    const p = this.pending
    this.pending = undefined
    this.q.clear()
    await this.close()
    p?.resolve(DONE)
    return DONE
  }
}

/**
 * Subscribe to one or more MQTT topics (wildcards allowed) and emit every message received
 * (Streamz `from_mqtt`), as `{ topic, payload, qos, retain, dup, properties }` with the payload
 * as a `Buffer`, or what `parse` makes of it. The client connects at the first `next()` and
 * is closed by `break`, an error downstream, `return()` and an abort.
 *
 * Back pressure: up to `highWaterMark` messages wait for the pipeline, acknowledged; one
 * more waits unacknowledged, and while it does the client reads nothing more from the socket,
 * so the broker holds the rest back (with QoS 1/2 it stops sending once its in-flight window
 * is used up, and queues them for the session). So a crash loses at most `highWaterMark`
 * acknowledged messages besides the one the pipeline is working on (none with
 * `highWaterMark: 0`); a message never acknowledged is delivered again when a persistent
 * session (`clean: false` and a fixed `clientId`) reconnects. A pipeline that holds the
 * client back for longer than about 1.5 × `keepalive` (default 60 s) makes it reconnect.
 *
 * When the broker goes away, mqtt.js reconnects every `reconnectPeriod` (default here
 * 1000 ms) and subscribes again if the session was lost; connection errors meanwhile go to
 * `onError`. A failure to connect the first time, and a broker refusing the connection
 * or the subscription, fail the stream with an error naming the url.
 * @param url - the broker, e.g. `'mqtt://localhost:1883'` (`mqtts:`, `ws:`, `wss:` too)
 * @param topic - a topic filter, or an array of them
 * @param options - `{ qos = 0, highWaterMark = 16, parse, onError, onSubscribe, signal }` and any mqtt.js client option
 * @example
 * ```ts
 * const readings = fromMqtt('mqtt://localhost', 'sensors/+/temperature', {
 *   qos: 1,
 *   parse: (payload) => JSON.parse(payload.toString()) as { celsius: number },
 *   onError: (e) => console.warn(e.message), // a payload that is not JSON is skipped
 * })
 * await pipe(readings, map((m) => m.payload.celsius), sink(console.log))
 * ```
 */
export function fromMqtt<P = Buffer>(
  url: string,
  topic: string | readonly string[],
  options: FromMqttOptions<P> = {},
): AsyncIterable<MqttMessage<P>> {
  if (typeof url !== 'string' || url === '') fail(TypeError, 'fromMqtt', 'url', 'a non-empty string', url)
  const topics = typeof topic === 'string' ? [topic] : topic
  if (!Array.isArray(topics) || topics.length === 0 || !topics.every((t) => typeof t === 'string' && t !== ''))
    fail(TypeError, 'fromMqtt', 'topic', 'a non-empty string or array of them', topic)
  checkObject('fromMqtt', 'options', options)
  const { qos = 0, highWaterMark = 16, parse, onError, onSubscribe, signal, ...clientOptions } = options
  if (qos !== 0 && qos !== 1 && qos !== 2) fail(RangeError, 'fromMqtt', 'qos', '0, 1 or 2', qos)
  checkInteger('fromMqtt', 'highWaterMark', highWaterMark, 0)
  for (const [name, f] of [
    ['parse', parse],
    ['onError', onError],
    ['onSubscribe', onSubscribe],
  ] as const)
    if (f !== undefined && typeof f !== 'function') fail(TypeError, 'fromMqtt', name, 'a function', f)
  checkSignal('fromMqtt', signal)
  const list = [...(topics as string[])]
  return {
    [Symbol.asyncIterator]: () =>
      new MqttSource<P>(url, list, qos, highWaterMark, parse, onError, onSubscribe, signal, clientOptions),
  }
}
