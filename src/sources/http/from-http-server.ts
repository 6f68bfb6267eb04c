import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { timingSafeEqual } from 'node:crypto'
import { checkFunction, checkInteger, checkObject, checkSignal, fail } from '../../internal/check.js'
import { toMs } from '../../internal/duration.js'
import { Intake } from '../net/intake.js'

/**
 * Why {@link fromHttpServer} turned a client away, as `error.code` in `onError`.
 * @example
 * ```ts
 * const onError = (e: HttpClientError) => {
 *   const code: HttpClientErrorCode = e.code
 *   if (code === 'ERR_BODY_TOO_LARGE') metrics.increment('http.too_large')
 * }
 * ```
 */
export type HttpClientErrorCode =
  'ERR_BODY_TOO_LARGE' | 'ERR_BODY_PARSE' | 'ERR_BODY_ABORTED' | 'ERR_MALFORMED_REQUEST' | 'ERR_REQUEST_TIMEOUT'

/**
 * A problem with one client of {@link fromHttpServer}, handed to `onError`; the server goes on.
 * @example
 * ```ts
 * const onError = (e: HttpClientError) => console.warn(e.code, e.remoteAddress, e.message)
 * ```
 */
export interface HttpClientError extends Error {
  code: HttpClientErrorCode
  /** The client's address, when it was known. */
  remoteAddress: string | undefined
  /** The HTTP status the client was answered with, if any. */
  status: number | undefined
}

/** Options for {@link fromHttpServer}. */
export interface FromHttpServerOptions<T> {
  /** Port to listen on; 0 picks a free one (see `listening` and `onListening`). */
  port: number
  /** Host or address to bind; default: every interface, as `server.listen(port)`. */
  host?: string
  /** The path POSTs must go to (the query string is ignored); default `'/'`. Others get 404. */
  path?: string
  /** Largest body accepted, in bytes (default 1 MiB); larger ones get 413 and are not read further. */
  maxBodySize?: number
  /**
   * Turns a body into the element: `'buffer'` (default) keeps the `Buffer`, `'text'` decodes
   * UTF-8, `'json'` parses JSON, or a function (may be async). A body it rejects gets 400
   * with the error's message.
   */
  parse?: 'buffer' | 'text' | 'json' | ((body: Buffer, request: IncomingMessage) => T | Promise<T>)
  /** When set, requests must carry `Authorization: Bearer <token>`; others get 401. */
  token?: string
  /**
   * How many bodies may wait, received and not yet taken by the pipeline, before more POSTs
   * get 503 with `Retry-After`. Default 16.
   */
  highWaterMark?: number
  /** Seconds sent in `Retry-After` with a 503. Default 1. */
  retryAfter?: number
  /** Time a client has to send the request headers (ms or duration string). Default 60 s. */
  headersTimeout?: number | string
  /** Time a client has to send the whole request, headers and body. Default 5 min. */
  requestTimeout?: number | string
  /** Time an idle keep-alive connection stays open after a response. Default 5 s. */
  keepAliveTimeout?: number | string
  /** Aborting it closes the server and rejects the pending `next()` with `signal.reason`. */
  signal?: AbortSignal
  /**
   * Called for each client turned away for bad input (too large, unparsable, malformed,
   * timed out, gone mid-body); the server goes on. Default: `console.warn`.
   */
  onError?: (error: HttpClientError) => void
  /** Called once the server listens, with its address (the actual port when `port` is 0). */
  onListening?: (address: AddressInfo) => void
}

/**
 * What {@link fromHttpServer} returns: an `AsyncIterable` of request bodies that also tells
 * where it listens.
 * @example
 * ```ts
 * const source: HttpServerSource<string> = fromHttpServer({ port: 0, parse: 'text' })
 * const done = pipe(source, sink(console.log))
 * const { port } = await source.listening
 * ```
 */
export interface HttpServerSource<T> extends AsyncIterable<T> {
  /**
   * Resolves with the bound address once the server listens (that happens at the first
   * `next()`, i.e. when a pipeline starts pulling); rejects if it cannot listen.
   */
  readonly listening: Promise<AddressInfo>
  /** Bodies received and not yet taken by the pipeline (at most `highWaterMark`). */
  readonly buffered: number
}

const DEFAULT_MAX_BODY = 1024 * 1024
const DEFAULT_HWM = 16

function clientError(
  code: HttpClientErrorCode,
  message: string,
  req: IncomingMessage | undefined,
  status: number | undefined,
  cause?: unknown,
): HttpClientError {
  const e = new Error(`fromHttpServer: ${message}`, cause === undefined ? undefined : { cause }) as HttpClientError
  e.code = code
  e.remoteAddress = req?.socket.remoteAddress
  e.status = status
  return e
}

function send(res: ServerResponse, status: number, body = '', headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  })
  res.end(body)
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Header Too Large' }

/**
 * An HTTP server whose POSTed bodies are the elements (Streamz `from_http_server`), on
 * `node:http`. A POST to `path` is answered 202 once the pipeline has taken its body (a
 * consumer pulled it, not merely queued), 503 with `Retry-After` while `highWaterMark`
 * bodies already wait, 413 above `maxBodySize` (the rest is not read), 400 when `parse`
 * rejects it, 401 without the bearer `token`, 404 on other paths, 405 for other methods.
 * The server listens from the first `next()`; `listening` and `onListening` give its
 * address. Bad clients (malformed requests, silent connections, bodies cut short) are
 * answered or dropped and reported to `onError`; the server goes on. It never ends by
 * itself; `break`, an error downstream and an abort close it (bodies still waiting get 503)
 * and free the port before `return()` resolves. One pipeline may consume it.
 * @param options - `{ port, host, path = '/', maxBodySize = 1 MiB, parse = 'buffer', token, highWaterMark = 16, retryAfter = 1, headersTimeout, requestTimeout, keepAliveTimeout, signal, onError, onListening }`
 * @example
 * ```ts
 * const source = fromHttpServer({ port: 8080, path: '/events', parse: 'json', token: process.env.TOKEN })
 * await pipe(source, map((event) => handle(event)), sink(console.log))
 * // elsewhere: curl -H "Authorization: Bearer $TOKEN" -d '{"a":1}' http://localhost:8080/events  → 202
 * ```
 */
export function fromHttpServer(
  options: FromHttpServerOptions<Buffer> & { parse?: 'buffer' | undefined },
): HttpServerSource<Buffer>
export function fromHttpServer(options: FromHttpServerOptions<string> & { parse: 'text' }): HttpServerSource<string>
export function fromHttpServer<T = unknown>(
  options: FromHttpServerOptions<T> & {
    parse: 'json' | ((body: Buffer, request: IncomingMessage) => T | Promise<T>)
  },
): HttpServerSource<T>
export function fromHttpServer<T>(options: FromHttpServerOptions<T>): HttpServerSource<T> {
  const op = 'fromHttpServer'
  if ((options as unknown) === undefined || (options as unknown) === null)
    fail(TypeError, op, 'options', 'an options object', options)
  checkObject(op, 'options', options)
  const {
    port,
    host,
    path = '/',
    maxBodySize = DEFAULT_MAX_BODY,
    parse = 'buffer',
    token,
    highWaterMark = DEFAULT_HWM,
    retryAfter = 1,
    headersTimeout,
    requestTimeout,
    keepAliveTimeout,
    signal,
    onError = (e: HttpClientError) => console.warn(e.message),
    onListening,
  } = options
  checkInteger(op, 'port', port, 0)
  if (port > 65535) fail(RangeError, op, 'port', 'at most 65535', port)
  if (host !== undefined && typeof host !== 'string') fail(TypeError, op, 'host', 'a string', host)
  if (typeof path !== 'string' || !path.startsWith('/')) fail(TypeError, op, 'path', "a string starting with '/'", path)
  checkInteger(op, 'maxBodySize', maxBodySize, 0, true)
  if (typeof parse !== 'function' && parse !== 'buffer' && parse !== 'text' && parse !== 'json')
    fail(TypeError, op, 'parse', "'buffer', 'text', 'json' or a function", parse)
  if (token !== undefined && (typeof token !== 'string' || token === ''))
    fail(TypeError, op, 'token', 'a non-empty string', token)
  checkInteger(op, 'highWaterMark', highWaterMark, 0, true)
  checkInteger(op, 'retryAfter', retryAfter, 0)
  const requestMs = requestTimeout === undefined ? 300_000 : toMs(op, 'requestTimeout', requestTimeout)
  const timeouts = {
    requestTimeout: requestMs,
    headersTimeout:
      headersTimeout === undefined
        ? Math.min(60_000, requestMs || Infinity)
        : toMs(op, 'headersTimeout', headersTimeout),
    keepAliveTimeout: keepAliveTimeout === undefined ? 5_000 : toMs(op, 'keepAliveTimeout', keepAliveTimeout),
  }
  if (requestMs > 0 && timeouts.headersTimeout > requestMs)
    fail(RangeError, op, 'headersTimeout', `at most requestTimeout (${requestMs} ms)`, headersTimeout)
  checkSignal(op, signal)
  checkFunction(op, 'onError', onError)
  if (onListening !== undefined) checkFunction(op, 'onListening', onListening)
  const parseBody: (body: Buffer, req: IncomingMessage) => unknown =
    parse === 'buffer'
      ? (b) => b
      : parse === 'text'
        ? (b) => new TextDecoder('utf-8', { fatal: true }).decode(b)
        : parse === 'json'
          ? (b) => JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b)) as unknown
          : parse
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`)

  let resolveListening: (a: AddressInfo) => void = () => undefined
  let rejectListening: (e: unknown) => void = () => undefined
  const listening = new Promise<AddressInfo>((resolve, reject) => {
    resolveListening = resolve
    rejectListening = reject
  })
  listening.catch(() => undefined) // the consumer's next() reports it too

  const intake = new Intake<T>()
  let server: Server | undefined
  let closing: Promise<void> | undefined
  let claimed = false
  const sockets = new Set<Socket>()
  const report = (e: HttpClientError): void => {
    try {
      onError(e)
    } catch {
      // a throwing onError must not take the server down
    }
  }

  function authorized(req: IncomingMessage): boolean {
    if (expected === undefined) return true
    const got = Buffer.from(req.headers.authorization ?? '')
    return got.length === expected.length && timingSafeEqual(got, expected)
  }

  /** Full: a body arriving now would have to wait behind `highWaterMark` others. */
  const full = (): boolean => !intake.hasTaker && intake.length >= highWaterMark

  function tooLarge(req: IncomingMessage, res: ServerResponse, size: string): void {
    report(clientError('ERR_BODY_TOO_LARGE', `body of ${size} is above maxBodySize (${maxBodySize})`, req, 413))
    // answer, then close the connection: the rest of the body is never read
    send(res, 413, `body above ${maxBodySize} bytes\n`, { connection: 'close' })
    res.once('finish', () => req.socket.destroySoon())
  }

  /**
   * Answer or read one request. With `Expect: 100-continue` (`expects`), a request turned away
   * on its headers alone is answered before the client sends its body, and the connection closes.
   */
  function handle(req: IncomingMessage, res: ServerResponse, expects = false): void {
    const close: Record<string, string> = expects ? { connection: 'close' } : {}
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    if ((q === -1 ? url : url.slice(0, q)) !== path) return send(res, 404, 'not found\n', close)
    if (req.method !== 'POST') return send(res, 405, 'only POST\n', { allow: 'POST', ...close })
    if (!authorized(req)) return send(res, 401, 'unauthorized\n', { 'www-authenticate': 'Bearer', ...close })
    const declared = req.headers['content-length']
    if (declared !== undefined && Number(declared) > maxBodySize) return tooLarge(req, res, `${declared} bytes`)
    if (intake.closed) return send(res, 503, 'closing\n', { connection: 'close' })
    if (full()) return send(res, 503, 'busy, retry later\n', { 'retry-after': String(retryAfter), connection: 'close' })
    if (expects) res.writeContinue()
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (chunk: Buffer) => {
      if (over) return
      size += chunk.length
      if (size > maxBodySize) {
        over = true
        chunks.length = 0
        req.pause()
        tooLarge(req, res, `more than ${maxBodySize} bytes`)
        return
      }
      chunks.push(chunk)
    })
    const onAborted = (e?: Error): void => {
      if (over || req.complete) return
      over = true
      report(clientError('ERR_BODY_ABORTED', `the client went away after ${size} bytes of its body`, req, undefined, e))
    }
    req.once('error', onAborted)
    req.once('close', () => onAborted())
    req.once('end', () => {
      if (over) return
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)
      chunks.length = 0
      void Promise.resolve()
        .then(() => parseBody(body, req))
        .then(
          (value) => offer(req, res, value as T),
          (e: unknown) => {
            const msg = e instanceof Error ? e.message : String(e)
            report(clientError('ERR_BODY_PARSE', `body rejected by parse: ${msg}`, req, 400, e))
            send(res, 400, `${msg}\n`)
          },
        )
    })
  }

  function offer(req: IncomingMessage, res: ServerResponse, value: T): void {
    if (res.destroyed || req.socket.destroyed) {
      report(clientError('ERR_BODY_ABORTED', 'the client went away before its body was taken', req, undefined))
      return
    }
    if (intake.closed) return send(res, 503, 'closing\n', { connection: 'close' })
    if (full()) return send(res, 503, 'busy, retry later\n', { 'retry-after': String(retryAfter), connection: 'close' })
    let gone = false
    const onGone = (): void => {
      gone = true
      report(clientError('ERR_BODY_ABORTED', 'the client went away before its body was taken; dropped', req, undefined))
    }
    res.once('close', onGone)
    intake.push(
      value,
      () => {
        res.off('close', onGone)
        send(res, 202, '')
      },
      () => {
        res.off('close', onGone)
        send(res, 503, 'closing\n', { connection: 'close' })
      },
      () => gone,
    )
  }

  function onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
    const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    const status = timeout ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400
    if (err.code !== 'ECONNRESET')
      report(
        Object.assign(
          clientError(
            timeout ? 'ERR_REQUEST_TIMEOUT' : 'ERR_MALFORMED_REQUEST',
            timeout ? 'the client did not send its request in time' : `malformed request: ${err.message}`,
            undefined,
            status,
            err,
          ),
          { remoteAddress: socket.remoteAddress },
        ),
      )
    const inProgress = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage
    if (socket.writable && (inProgress == null || !inProgress.headersSent)) {
      socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      socket.destroySoon()
    } else socket.destroy()
  }

  function start(): void {
    // how often node checks the timeouts: often enough for small ones
    const every = Math.min(30_000, timeouts.headersTimeout / 4, (requestMs || Infinity) / 4)
    const s = createServer({ ...timeouts, connectionsCheckingInterval: Math.floor(Math.max(10, every)) }, handle)
    server = s
    s.on('connection', (socket: Socket) => {
      sockets.add(socket)
      socket.once('close', () => sockets.delete(socket))
    })
    s.on('clientError', onClientError)
    s.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => handle(req, res, true))
    s.on('error', (e) => {
      rejectListening(e)
      intake.fail(new Error(`fromHttpServer: server error: ${e.message}`, { cause: e }))
      void stop()
    })
    s.listen({ port, host }, () => {
      const address = s.address() as AddressInfo
      resolveListening(address)
      try {
        onListening?.(address)
      } catch (e) {
        intake.fail(e)
        void stop()
      }
    })
  }

  /** Close the server: waiting bodies get 503, open connections are closed, the port is freed. */
  function stop(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      intake.close()
      const s = server
      if (s === undefined || !s.listening) {
        rejectListening(new Error('fromHttpServer: closed before it listened'))
        if (s === undefined) return resolve()
      }
      s.close(() => resolve())
      s.closeIdleConnections()
      // responses just written (the 503s above) go out before their sockets close
      for (const socket of sockets) {
        const res = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage
        if (res?.writableEnded === true) socket.destroySoon()
        else socket.destroy()
      }
    })
    return closing
  }

  const onAbort = (): void => {
    intake.abort(signal?.reason)
    void stop()
  }

  return {
    listening,
    get buffered() {
      return intake.length
    },
    [Symbol.asyncIterator](): AsyncIterator<T> {
      if (claimed) throw new TypeError('fromHttpServer: it can be consumed by one pipeline only')
      claimed = true
      return {
        next() {
          if (server === undefined && closing === undefined) {
            if (signal?.aborted === true) {
              onAbort()
            } else {
              signal?.addEventListener('abort', onAbort, { once: true })
              start()
            }
          }
          return intake.next()
        },
        async return() {
          signal?.removeEventListener('abort', onAbort)
          await stop()
          return { value: undefined, done: true }
        },
      }
    },
  }
}
