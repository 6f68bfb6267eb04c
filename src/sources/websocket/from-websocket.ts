import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { checkInteger, checkObject, checkSignal, fail } from '../../internal/check.js'
import { toMs } from '../../internal/duration.js'
import { Queue } from '../../internal/queue.js'

/**
 * One message received by {@link fromWebsocket}.
 * @example
 * ```ts
 * for await (const m of fromWebsocket({ port: 8080 })) {
 *   const msg: WebsocketMessage = m
 *   console.log(`client ${msg.client} sent`, msg.data)
 * }
 * ```
 */
export interface WebsocketMessage {
  /** A text message as a string, a binary one as a `Buffer`. */
  data: string | Buffer
  /** True for a binary message. */
  isBinary: boolean
  /** Which connection sent it: 1 for the first client of this server, 2 for the next, ... */
  client: number
}

/** Options for {@link fromWebsocket}. */
export interface FromWebsocketOptions {
  /** The port to listen on; 0 picks a free one (see `onListening` and `address()`). */
  port: number
  /** The interface to listen on. Default: every interface (as `net.Server.listen`). */
  host?: string
  /** Accept WebSocket connections on this path only (others get 404). Default: any path. */
  path?: string
  /** The largest message accepted, in bytes: a client sending more is closed with 1009. Default 1 MiB. */
  maxPayload?: number
  /**
   * How many received messages may wait, not yet taken by the pipeline, before the server
   * stops reading from every client. Default 16.
   */
  highWaterMark?: number
  /** How long a new connection may stay silent before completing its WebSocket handshake; then it is closed. Default 10 s. */
  handshakeTimeout?: number | string
  /** Called with the address once the server listens: the port, when `port` was 0. */
  onListening?: (address: AddressInfo) => void
  /**
   * Called with each problem that does not stop the server: a client closed for a message
   * over `maxPayload`, a malformed frame, a failed handshake, a handshake timeout, a
   * connection lost without a close frame. Default: written to stderr with `console.warn`.
   */
  onError?: (error: Error) => void
  /** Aborting it rejects the pending `next()` with `signal.reason` and closes the server. */
  signal?: AbortSignal
}

/**
 * What {@link fromWebsocket} returns: the messages, plus a view of the server.
 * @example
 * ```ts
 * const source: WebsocketSource = fromWebsocket({ port: 0, onListening: (a) => console.log('port', a.port) })
 * for await (const m of source) console.log(m.data, source.clients, source.buffered)
 * ```
 */
export interface WebsocketSource extends AsyncIterable<WebsocketMessage> {
  /** Where the server listens, or `null` before it does and after it has closed. */
  address(): AddressInfo | null
  /** The connected clients. */
  readonly clients: number
  /** Messages received and not yet taken by the pipeline. */
  readonly buffered: number
}

type Item = { message: WebsocketMessage } | { error: unknown }

const DONE: IteratorResult<never> = Object.freeze({ value: undefined, done: true }) as IteratorResult<never>
const CLOSE_GRACE = 1000

class WebsocketServerSource implements WebsocketSource {
  private http: Server | undefined
  private wss: WebSocketServer | undefined
  private readonly sockets = new Set<Socket>()
  private readonly conns = new Map<WebSocket, number>()
  private readonly q = new Queue<Item>()
  private paused = false
  private nextId = 1
  private bound: AddressInfo | null = null
  private started = false
  private closed = false
  private closing: Promise<void> | undefined
  private failure: { error: unknown } | undefined
  private pending: { resolve: (r: IteratorResult<WebsocketMessage>) => void; reject: (e: unknown) => void } | undefined
  private readonly onAbort = (): void => {
    this.fail(this.opts.signal?.reason)
  }
  private readonly report: (e: Error) => void

  constructor(
    private readonly opts: FromWebsocketOptions,
    private readonly hwm: number,
    private readonly maxPayload: number,
    private readonly handshakeMs: number,
  ) {
    const onError = opts.onError ?? ((e: Error) => console.warn(e.message))
    // an onError that throws fails the stream (it must not throw inside a socket's event)
    this.report = (e) => {
      try {
        onError(e)
      } catch (thrown) {
        this.fail(thrown)
      }
    }
  }

  address(): AddressInfo | null {
    return this.bound
  }

  get clients(): number {
    return this.conns.size
  }

  get buffered(): number {
    return this.q.length
  }

  [Symbol.asyncIterator](): AsyncIterator<WebsocketMessage> {
    if (this.started) throw new TypeError('fromWebsocket: a server can be consumed by one pipeline only')
    this.started = true
    return {
      next: () => this.next(),
      return: () => this.return(),
    }
  }

  private where(id: number, ws: WebSocket | undefined): string {
    const s = (ws as unknown as { _socket?: Socket } | undefined)?._socket
    const addr = s?.remoteAddress
    return `client ${id}${addr !== undefined ? ` (${addr}:${s?.remotePort ?? '?'})` : ''}`
  }

  private start(): void {
    const { port, host, path, signal } = this.opts
    signal?.addEventListener('abort', this.onAbort, { once: true })
    const http = createServer((_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain', Connection: 'close' }).end('WebSocket connections only\n')
    })
    this.http = http
    const wss = new WebSocketServer({ noServer: true, maxPayload: this.maxPayload, clientTracking: false })
    this.wss = wss
    http.on('connection', (socket) => {
      this.sockets.add(socket)
      socket.once('close', () => this.sockets.delete(socket))
      // a connection that never completes its handshake (or sends nothing at all) is closed
      const from = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
      socket.setTimeout(this.handshakeMs, () => {
        this.report(
          new Error(
            `fromWebsocket: a connection from ${from} sent no WebSocket handshake within ${this.handshakeMs} ms; closed`,
          ),
        )
        socket.destroy()
      })
    })
    http.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
      if (this.closed) return socket.destroy()
      const s = socket as Duplex & { remoteAddress?: string; remotePort?: number }
      this.report(
        new Error(
          `fromWebsocket: a malformed request from ${s.remoteAddress ?? '?'}:${s.remotePort ?? '?'}: ${err.code ?? err.message}; closed`,
          { cause: err },
        ),
      )
      if (s.writable && err.code !== 'ECONNRESET') s.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
      s.destroy()
    })
    wss.on('wsClientError', (err: Error, socket: Duplex, req: IncomingMessage) => {
      this.report(
        new Error(
          `fromWebsocket: a failed WebSocket handshake from ${req.socket.remoteAddress ?? '?'}: ${err.message}`,
          {
            cause: err,
          },
        ),
      )
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
      socket.destroy()
    })
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (this.closed) return socket.destroy()
      const pathname = new URL(req.url ?? '/', 'http://x').pathname
      if (path !== undefined && pathname !== path) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
        return
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        req.socket.setTimeout(0)
        this.accept(ws)
      })
    })
    http.once('error', (err) => {
      this.fail(
        new Error(`fromWebsocket: cannot listen on ${host ?? '*'}:${port}: ${err.message}`, {
          cause: err,
        }),
      )
    })
    http.listen({ port, host }, () => {
      this.bound = http.address() as AddressInfo
      if (this.closed) return
      try {
        this.opts.onListening?.(this.bound)
      } catch (e) {
        this.fail(e)
      }
    })
  }

  private accept(ws: WebSocket): void {
    const id = this.nextId++
    this.conns.set(ws, id)
    if (this.paused) ws.pause()
    let failed = false
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (this.closed) return
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
      this.deliver({ message: { data: isBinary ? bytes : bytes.toString('utf8'), isBinary, client: id } })
    })
    ws.on('error', (err: Error & { code?: string }) => {
      failed = true
      if (this.closed) return
      this.report(
        new Error(`fromWebsocket: ${this.where(id, ws)}: ${err.message}${err.code ? ` (${err.code})` : ''}; closed`, {
          cause: err,
        }),
      )
    })
    ws.on('close', (code: number) => {
      this.conns.delete(ws)
      if (this.closed || failed) return
      if (code === 1006) this.report(new Error(`fromWebsocket: client ${id} went away without a close frame (1006)`))
    })
  }

  private deliver(item: Item): void {
    const p = this.pending
    if (p !== undefined && this.q.length === 0) {
      this.pending = undefined
      if ('message' in item) p.resolve({ value: item.message, done: false })
      else p.reject(item.error)
      return
    }
    this.q.push(item)
    if (!this.paused && this.q.length >= this.hwm) {
      this.paused = true
      for (const ws of this.conns.keys()) ws.pause()
    }
  }

  private take(): Promise<IteratorResult<WebsocketMessage>> {
    const item = this.q.shift()
    if (this.paused && this.q.length < this.hwm) {
      this.paused = false
      for (const ws of this.conns.keys()) ws.resume()
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
    this.opts.signal?.removeEventListener('abort', this.onAbort)
    const http = this.http
    if (http === undefined) return (this.closing = Promise.resolve())
    this.closing = (async () => {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()))
      // say goodbye to every client; whoever does not answer in time is cut off
      const goodbyes = [...this.conns.keys()].map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === ws.CLOSED) return resolve()
            ws.once('close', () => resolve())
            ws.resume()
            ws.close(1001, 'server closing')
          }),
      )
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        Promise.all(goodbyes),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE))),
      ])
      clearTimeout(timer)
      for (const ws of this.conns.keys()) ws.terminate()
      for (const s of this.sockets) s.destroy()
      this.wss?.close()
      await closed
      this.bound = null
    })()
    return this.closing
  }

  private next(): Promise<IteratorResult<WebsocketMessage>> {
    if (this.q.length > 0) return this.take()
    if (this.failure !== undefined) {
      const { error } = this.failure
      this.failure = undefined
      return this.close().then(() => Promise.reject(error as Error))
    }
    if (this.closed) return Promise.resolve(DONE)
    if (this.pending !== undefined)
      return Promise.reject(new Error('fromWebsocket: next() called while another is pending'))
    const signal = this.opts.signal
    if (signal?.aborted === true) {
      this.closed = true
      return Promise.reject(signal.reason as Error)
    }
    if (this.http === undefined) this.start()
    return new Promise((resolve, reject) => (this.pending = { resolve, reject }))
  }

  private async return(): Promise<IteratorResult<WebsocketMessage>> {
    const p = this.pending
    this.pending = undefined
    this.q.clear()
    await this.close()
    p?.resolve(DONE)
    return DONE
  }
}

/**
 * A WebSocket server whose clients' messages are the elements (Streamz `from_websocket`):
 * `{ data, isBinary, client }`, with `data` a string for a text message and a `Buffer` for a
 * binary one, and `client` numbering the connections. The server starts listening at the
 * first `next()`; `onListening` receives its address (the port, with `port: 0`), and
 * `address()` returns it too. `break`, an error downstream, `return()` and an abort close
 * every connection (1001) and the server, and free the port.
 *
 * Back pressure: once `highWaterMark` messages wait for the pipeline, the server stops
 * reading from every client (`ws.pause()`: the TCP windows fill and the clients' sends
 * wait), and reads again when the pipeline has taken one. Beyond `highWaterMark`, at most
 * what a client had already sent in the data being read can still arrive.
 *
 * Bad input does not stop the server: a message over `maxPayload` closes its client with
 * 1009, a malformed frame with 1002 (invalid UTF-8: 1007), a request that is not HTTP gets
 * 400, a connection without a handshake is closed after `handshakeTimeout`, and a client that
 * vanishes is let go; each is reported to `onError`. Messages already received from a client
 * stay in the stream after it is gone.
 * @param options - `{ port, host, path, maxPayload = 1 MiB, highWaterMark = 16, handshakeTimeout = '10s', onListening, onError, signal }`
 * @example
 * ```ts
 * const source = fromWebsocket({ port: 8080, path: '/ingest', onError: (e) => console.warn(e.message) })
 * await pipe(source, pluck('data'), map((text) => JSON.parse(text as string)), sink(console.log))
 * ```
 */
export function fromWebsocket(options: FromWebsocketOptions): WebsocketSource {
  if ((options as unknown) === undefined) fail(TypeError, 'fromWebsocket', 'options', 'an object with a port', options)
  checkObject('fromWebsocket', 'options', options)
  const { port, host, path, maxPayload = 1024 * 1024, highWaterMark = 16, handshakeTimeout = 10_000 } = options
  checkInteger('fromWebsocket', 'port', port, 0)
  if (port > 65535) fail(RangeError, 'fromWebsocket', 'port', 'at most 65535', port)
  if (host !== undefined && typeof host !== 'string') fail(TypeError, 'fromWebsocket', 'host', 'a string', host)
  if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/')))
    fail(TypeError, 'fromWebsocket', 'path', "a string starting with '/'", path)
  checkInteger('fromWebsocket', 'maxPayload', maxPayload, 1)
  checkInteger('fromWebsocket', 'highWaterMark', highWaterMark, 1)
  const handshakeMs = toMs('fromWebsocket', 'handshakeTimeout', handshakeTimeout)
  for (const name of ['onListening', 'onError'] as const) {
    const f = options[name]
    if (f !== undefined && typeof f !== 'function') fail(TypeError, 'fromWebsocket', name, 'a function', f)
  }
  checkSignal('fromWebsocket', options.signal)
  return new WebsocketServerSource({ ...options }, highWaterMark, maxPayload, handshakeMs)
}
