import { WebSocket, type ClientOptions } from 'ws'
import type { Sink } from '../../pipe/types.js'
import { drive } from '../../pipe/flow.js'
import { abortable } from '../../internal/abort.js'
import { checkInteger, checkObject, checkSignal, fail, show } from '../../internal/check.js'
import { realClock, type Clock } from '../../internal/clock.js'
import { toMs } from '../../internal/duration.js'

/** How {@link toWebsocket} reconnects. */
export interface ReconnectOptions {
  /** Attempts after the first failed one before giving up. Default 8; 0 gives up at once. */
  retries?: number
  /** The wait before the first retry. Default 100 ms. */
  minDelay?: number | string
  /** The longest wait between two attempts. Default 5 s. */
  maxDelay?: number | string
  /** Each wait is the previous one times this. Default 2. */
  factor?: number
}

/** Options for {@link toWebsocket}. */
export interface ToWebsocketOptions {
  /** Reconnection with exponential backoff (`false`: none, the first failure rejects). */
  reconnect?: ReconnectOptions | false
  /** Subprotocols to ask for. */
  protocols?: string | string[]
  /** Options for the `ws` client: `headers`, `handshakeTimeout` (default here 10 s), TLS options, ... */
  ws?: ClientOptions
  /** Aborting it stops the sink: the Promise rejects with `signal.reason` and the connection closes. */
  signal?: AbortSignal
  /** The clock of the backoff waits (tests). */
  clock?: Clock
}

/** Close codes by which a server says it refused what it was sent. */
const REFUSALS = new Set([1002, 1003, 1007, 1008, 1009, 1010, 1011])

function encode(x: unknown): string | Buffer {
  if (typeof x === 'string' || Buffer.isBuffer(x)) return x
  if (x instanceof Uint8Array) return Buffer.from(x.buffer, x.byteOffset, x.byteLength)
  if (x instanceof ArrayBuffer) return Buffer.from(x)
  if (x === undefined || typeof x === 'function' || typeof x === 'symbol' || typeof x === 'bigint')
    throw new TypeError(`toWebsocket: cannot send ${show(x)}: elements must be strings, bytes or JSON values`)
  return JSON.stringify(x)
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/**
 * Send every element as a WebSocket message to `url` (Streamz `to_websocket`): strings as
 * text messages, `Buffer`s, `Uint8Array`s and `ArrayBuffer`s as binary ones, any other value
 * (number, boolean, object, array, `null`) as its JSON text.
 *
 * The connection opens when the sink starts. If it cannot be opened, or it is lost, it is
 * opened again with exponential backoff (`reconnect: { retries = 8, minDelay = '100ms',
 * maxDelay = '5s', factor = 2 }`); an element whose send failed because the connection was
 * lost is sent again on the new one, so a message may arrive twice, never silently not at all.
 * When the retries are used up, the Promise rejects with an error naming the url and the
 * last cause. A server closing the connection with a refusal code (1002, 1003, 1007–1011,
 * e.g. 1009 for a message too big) also rejects it, naming the code and reason.
 *
 * Each element is taken once the previous one has been handed to the operating system
 * (the `ws` send callback), which is the back pressure. WebSocket has no acknowledgements:
 * the last messages written before a connection breaks can be lost in the network without
 * the sender knowing; add replies from the server if that matters. The Promise resolves
 * once the source has ended and the connection has closed cleanly (1000).
 * @param url - `ws://` or `wss://` url of the server
 * @param options - `{ reconnect, protocols, ws, signal }`
 * @example
 * ```ts
 * await pipe(
 *   [{ level: 'info', text: 'started' }],
 *   toWebsocket('ws://localhost:8080/ingest', { reconnect: { retries: 3, maxDelay: '1s' } }),
 * )
 * ```
 */
export function toWebsocket<T>(url: string, options: ToWebsocketOptions = {}): Sink<T> {
  if (typeof url !== 'string' || !/^wss?:\/\//i.test(url))
    fail(TypeError, 'toWebsocket', 'url', 'a ws:// or wss:// url', url)
  checkObject('toWebsocket', 'options', options)
  const { reconnect = {}, protocols, ws: wsOptions = {}, signal, clock = realClock } = options
  if (reconnect !== false) checkObject('toWebsocket', 'reconnect', reconnect)
  const { retries = 8, minDelay = 100, maxDelay = 5000, factor = 2 } = reconnect === false ? { retries: 0 } : reconnect
  checkInteger('toWebsocket', 'reconnect.retries', retries, 0, true)
  const minMs = toMs('toWebsocket', 'reconnect.minDelay', minDelay)
  const maxMs = toMs('toWebsocket', 'reconnect.maxDelay', maxDelay)
  if (typeof factor !== 'number' || !(factor >= 1))
    fail(RangeError, 'toWebsocket', 'reconnect.factor', 'a number ≥ 1', factor)
  checkObject('toWebsocket', 'ws', wsOptions)
  checkSignal('toWebsocket', signal)

  return async function toWebsocketSink(source) {
    signal?.throwIfAborted()
    let ws: WebSocket | undefined
    /** A refusal by the server, to report at the next push or at the end. */
    const state: { refused?: Error } = {}
    const checkRefused = (): void => {
      if (state.refused !== undefined) throw state.refused
    }

    const openOnce = (): Promise<WebSocket> =>
      new Promise<WebSocket>((resolve, reject) => {
        const sock = new WebSocket(url, protocols, { handshakeTimeout: 10_000, ...wsOptions })
        const onAbort = (): void => sock.terminate()
        signal?.addEventListener('abort', onAbort, { once: true })
        const failed = (e: Error): void => {
          signal?.removeEventListener('abort', onAbort)
          sock.removeAllListeners()
          sock.on('error', () => undefined)
          sock.terminate()
          reject(e)
        }
        sock.once('error', failed)
        sock.once('close', (code) => failed(new Error(`closed before opening (${code})`)))
        sock.once('open', () => {
          sock.removeAllListeners()
          sock.on('error', () => undefined) // the close that follows tells
          sock.on('close', (code: number, reason: Buffer) => {
            signal?.removeEventListener('abort', onAbort)
            if (ws === sock) ws = undefined
            if (REFUSALS.has(code))
              state.refused ??= new Error(
                `toWebsocket: ${url} closed the connection with ${code}${reason.length > 0 ? ` (${reason.toString()})` : ''}: it refused what was sent`,
              )
          })
          resolve(sock)
        })
      })

    const connection = async (): Promise<WebSocket> => {
      if (ws !== undefined && ws.readyState === WebSocket.OPEN) return ws
      for (let attempt = 0; ; attempt++) {
        signal?.throwIfAborted()
        try {
          ws = await openOnce()
          return ws
        } catch (e) {
          signal?.throwIfAborted()
          if (attempt >= retries)
            throw new Error(
              `toWebsocket: cannot connect to ${url}${attempt > 0 ? ` (${attempt + 1} attempts)` : ''}: ${message(e)}`,
              { cause: e },
            )
        }
        await clock.sleep(Math.min(maxMs, minMs * factor ** attempt), signal)
      }
    }

    const send = (sock: WebSocket, data: string | Buffer): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        sock.send(data, { binary: typeof data !== 'string' }, (err) => (err ? reject(err) : resolve()))
      })

    let ok = false
    try {
      await connection()
      await drive(abortable(source, signal), {
        push: async (x) => {
          checkRefused()
          const data = encode(x)
          for (let failures = 0; ; failures++) {
            const sock = await connection()
            try {
              await send(sock, data)
              return
            } catch (e) {
              checkRefused()
              if (failures >= retries)
                throw new Error(`toWebsocket: could not send a message to ${url}: ${message(e)}`, { cause: e })
            }
          }
        },
        end: () => undefined,
      })
      ok = true
    } finally {
      const sock = ws
      if (sock !== undefined && sock.readyState !== WebSocket.CLOSED) {
        const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()))
        if (ok) sock.close(1000)
        else sock.terminate()
        let timer: NodeJS.Timeout | undefined
        await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)))])
        clearTimeout(timer)
        sock.terminate()
      }
    }
    checkRefused()
  }
}
