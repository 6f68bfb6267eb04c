import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { checkFunction, checkInteger, checkSignal, fail } from '../../internal/check.js'
import { toMs } from '../../internal/duration.js'
import { Intake } from './intake.js'

/**
 * Why {@link fromTcp} closed a connection or dropped data, as `error.code` in `onError`.
 * @example
 * ```ts
 * const onError = (e: TcpClientError) => {
 *   const code: TcpClientErrorCode = e.code
 *   if (code === 'ERR_PARTIAL_MESSAGE') console.warn('a sender was cut off:', e.message)
 * }
 * ```
 */
export type TcpClientErrorCode = 'ERR_MESSAGE_TOO_LARGE' | 'ERR_PARTIAL_MESSAGE' | 'ERR_IDLE_TIMEOUT' | 'ERR_CONNECTION'

/**
 * A problem with one connection of {@link fromTcp}, handed to `onError`; the others go on.
 * @example
 * ```ts
 * const onError = (e: TcpClientError) => console.warn(e.code, `${e.remoteAddress}:${e.remotePort}`, e.message)
 * ```
 */
export interface TcpClientError extends Error {
  code: TcpClientErrorCode
  /** The client's address and port, when known. */
  remoteAddress: string | undefined
  remotePort: number | undefined
}

/** Options for {@link fromTcp}. */
export interface FromTcpOptions {
  /** Port to listen on; 0 picks a free one (see `listening` and `onListening`). */
  port: number
  /** Host or address to bind; default: every interface, as `server.listen(port)`. */
  host?: string
  /** What ends a message: a non-empty string or bytes. Default `'\n'`. */
  delimiter?: string | Uint8Array
  /** Whether each element ends with its delimiter, as in Streamz. Default `false`: it is stripped. */
  keepDelimiter?: boolean
  /**
   * Longest message accepted, in bytes, without its delimiter (default 1 MiB). A connection
   * that sends a longer one is closed and reported; its earlier messages were emitted.
   */
  maxMessageSize?: number
  /** How each message is decoded: a Node encoding (default `'utf8'`), or `'buffer'` for the bytes. */
  encoding?: BufferEncoding | 'buffer'
  /**
   * How many messages may wait, received and not yet taken, before the sockets are paused
   * (the clients are then held back by TCP flow control). Default 64.
   */
  highWaterMark?: number
  /** Close a connection that sends nothing for this long (ms or duration string), reported. Default: never. */
  idleTimeout?: number | string
  /**
   * A last message without its delimiter, when the client closes its side cleanly: `false`
   * (default) drops it and reports `ERR_PARTIAL_MESSAGE`; `true` emits it, as a last line with no
   * newline. After a reset, a timeout or an oversize message, it is always dropped and reported.
   */
  emitPartial?: boolean
  /** Aborting it closes the server and rejects the pending `next()` with `signal.reason`. */
  signal?: AbortSignal
  /** Called for each connection problem (oversize message, partial message, idle, reset). Default: `console.warn`. */
  onError?: (error: TcpClientError) => void
  /** Called once the server listens, with its address (the actual port when `port` is 0). */
  onListening?: (address: AddressInfo) => void
}

/**
 * What {@link fromTcp} returns: an `AsyncIterable` of messages that also tells where it
 * listens and how much it holds.
 * @example
 * ```ts
 * const source: TcpSource<string> = fromTcp({ port: 0 })
 * const done = pipe(source, sink(console.log))
 * const { port } = await source.listening
 * ```
 */
export interface TcpSource<T> extends AsyncIterable<T> {
  /**
   * Resolves with the bound address once the server listens (that happens at the first
   * `next()`, i.e. when a pipeline starts pulling); rejects if it cannot listen.
   */
  readonly listening: Promise<AddressInfo>
  /** Open connections. */
  readonly connections: number
  /** Messages received and not yet taken by the pipeline. */
  readonly buffered: number
  /** True while the sockets are paused because `highWaterMark` messages wait. */
  readonly paused: boolean
}

interface Conn {
  socket: Socket
  /** Received bytes not yet cut into messages. */
  buf: Buffer
  /** Where to resume looking for the delimiter in `buf`. */
  from: number
  /** Waiting for the pipeline to take messages before more are cut from `buf`. */
  blocked: boolean
  /** The socket is paused (it stays so while the connection is blocked). */
  paused: boolean
  /** The socket has closed: `buf` is all that is left of it. */
  closed: boolean
  /** It closed cleanly (end of stream), not by a reset, timeout or oversize message. */
  clean: boolean
  /** Dropped (oversize): what is left in `buf` is discarded. */
  dropped: boolean
}

const EMPTY = Buffer.alloc(0)

/**
 * A TCP server whose delimited messages, from every connection, are the elements (Streamz
 * `from_tcp`), on `node:net`. Each message is emitted without its delimiter (with it, as
 * Streamz, under `keepDelimiter`), decoded as `encoding` (UTF-8 strings by default;
 * `'buffer'` for bytes, as Streamz). When
 * `highWaterMark` messages wait for a slow pipeline, the sockets are paused, so clients are
 * held back by TCP instead of the server buffering without bound. A connection that sends a
 * message above `maxMessageSize` or stays silent past `idleTimeout` is closed and reported to
 * `onError`; the others go on. A last message without a delimiter is dropped and reported
 * (or emitted with `emitPartial`). The server listens from the first `next()`; `listening`
 * and `onListening` give its address. It never ends by itself; `break`, an error downstream
 * and an abort close it and every connection, and free the port before `return()` resolves.
 * @param options - `{ port, host, delimiter = '\n', keepDelimiter = false, maxMessageSize = 1 MiB, encoding = 'utf8', highWaterMark = 64, idleTimeout, emitPartial = false, signal, onError, onListening }`
 * @example
 * ```ts
 * // every line sent to port 9000 (e.g. `echo hello | nc localhost 9000`)
 * await pipe(fromTcp({ port: 9000 }), map((line) => line.toUpperCase()), sink(console.log))
 * ```
 */
export function fromTcp(options: FromTcpOptions & { encoding: 'buffer' }): TcpSource<Buffer>
export function fromTcp(options: FromTcpOptions & { encoding?: BufferEncoding }): TcpSource<string>
export function fromTcp(options: FromTcpOptions): TcpSource<string | Buffer> {
  const op = 'fromTcp'
  if ((options as unknown) === null || typeof options !== 'object')
    fail(TypeError, op, 'options', 'an options object', options)
  const {
    port,
    host,
    delimiter = '\n',
    keepDelimiter = false,
    maxMessageSize = 1024 * 1024,
    encoding = 'utf8',
    highWaterMark = 64,
    idleTimeout,
    emitPartial = false,
    signal,
    onError = (e: TcpClientError) => console.warn(e.message),
    onListening,
  } = options
  checkInteger(op, 'port', port, 0)
  if (port > 65535) fail(RangeError, op, 'port', 'at most 65535', port)
  if (host !== undefined && typeof host !== 'string') fail(TypeError, op, 'host', 'a string', host)
  if (!(typeof delimiter === 'string' || delimiter instanceof Uint8Array) || delimiter.length === 0)
    fail(TypeError, op, 'delimiter', 'a non-empty string or Uint8Array', delimiter)
  if (typeof keepDelimiter !== 'boolean') fail(TypeError, op, 'keepDelimiter', 'a boolean', keepDelimiter)
  checkInteger(op, 'maxMessageSize', maxMessageSize, 1, true)
  if (encoding !== 'buffer' && !Buffer.isEncoding(encoding))
    fail(TypeError, op, 'encoding', "a Node encoding or 'buffer'", encoding)
  checkInteger(op, 'highWaterMark', highWaterMark, 0, true)
  const idleMs = idleTimeout === undefined ? 0 : toMs(op, 'idleTimeout', idleTimeout)
  if (typeof emitPartial !== 'boolean') fail(TypeError, op, 'emitPartial', 'a boolean', emitPartial)
  checkSignal(op, signal)
  checkFunction(op, 'onError', onError)
  if (onListening !== undefined) checkFunction(op, 'onListening', onListening)
  const delim = Buffer.from(delimiter)
  const decode = (b: Buffer): string | Buffer => (encoding === 'buffer' ? Buffer.from(b) : b.toString(encoding))

  let resolveListening: (a: AddressInfo) => void = () => undefined
  let rejectListening: (e: unknown) => void = () => undefined
  const listening = new Promise<AddressInfo>((resolve, reject) => {
    resolveListening = resolve
    rejectListening = reject
  })
  listening.catch(() => undefined) // the consumer's next() reports it too

  const conns = new Set<Conn>()
  const blocked = new Set<Conn>()
  let server: Server | undefined
  let closing: Promise<void> | undefined
  let claimed = false
  let draining = false
  let open = 0 // sockets not closed yet

  const lowWater = Math.floor(highWaterMark / 2)
  const intake = new Intake<string | Buffer>(() => {
    // the consumer took a message or waits for one: go on with the connections held back
    // resume only once the queue is down to half: connections are then cut in batches, not
    // one message per take
    if (draining || blocked.size === 0 || (!intake.hasTaker && intake.length > lowWater)) return
    for (const c of [...blocked]) {
      if (full()) return
      blocked.delete(c)
      c.blocked = false
      cut(c)
      if (!c.blocked && c.paused && !c.closed) {
        c.paused = false
        c.socket.setTimeout(idleMs)
        c.socket.resume()
      }
    }
  })
  const full = (): boolean => !intake.hasTaker && intake.length >= highWaterMark

  function report(c: Conn, code: TcpClientErrorCode, message: string, cause?: unknown): void {
    const e = new Error(`fromTcp: ${message}`, cause === undefined ? undefined : { cause }) as TcpClientError
    e.code = code
    e.remoteAddress = c.socket.remoteAddress
    e.remotePort = c.socket.remotePort
    try {
      onError(e)
    } catch {
      // a throwing onError must not take the server down
    }
  }

  /** Cut the complete messages out of `c.buf` and hand them over, as long as the pipeline takes them. */
  function cut(c: Conn): void {
    if (c.dropped) {
      if (c.closed) conns.delete(c)
      return
    }
    draining = true
    const buf = c.buf
    let start = 0 // where the next message begins in buf
    const keep = (): void => {
      c.buf = start === buf.length ? EMPTY : start === 0 ? buf : buf.subarray(start)
    }
    try {
      for (;;) {
        const i = buf.indexOf(delim, Math.max(c.from, start))
        if (i === -1) {
          keep()
          c.from = Math.max(0, c.buf.length - delim.length + 1)
          if (c.buf.length - (delim.length - 1) > maxMessageSize) return tooLarge(c)
          break
        }
        if (i - start > maxMessageSize) return tooLarge(c)
        if (full()) {
          keep()
          c.from = 0
          c.blocked = true
          blocked.add(c)
          if (!c.closed && !c.paused) {
            c.paused = true
            c.socket.pause()
            c.socket.setTimeout(0) // held back by us, not idle
          }
          return
        }
        const end = keepDelimiter ? i + delim.length : i
        const msg = encoding === 'buffer' ? Buffer.from(buf.subarray(start, end)) : buf.toString(encoding, start, end)
        start = i + delim.length
        intake.push(msg)
      }
      if (c.closed) finish(c)
    } finally {
      draining = false
    }
  }

  function tooLarge(c: Conn): void {
    c.dropped = true
    c.buf = EMPTY
    report(c, 'ERR_MESSAGE_TOO_LARGE', `a message above maxMessageSize (${maxMessageSize} bytes); connection closed`)
    c.socket.destroy()
  }

  /** The socket is closed and every complete message is out: deal with what is left. */
  function finish(c: Conn): void {
    conns.delete(c)
    if (c.dropped || c.buf.length === 0) return
    const rest = c.buf
    c.buf = EMPTY
    if (c.clean && emitPartial) intake.push(decode(rest))
    else
      report(c, 'ERR_PARTIAL_MESSAGE', `the connection closed in the middle of a message; ${rest.length} bytes dropped`)
  }

  function onConnection(socket: Socket): void {
    const c: Conn = {
      socket,
      buf: EMPTY,
      from: 0,
      blocked: false,
      paused: false,
      closed: false,
      clean: false,
      dropped: false,
    }
    conns.add(c)
    open++
    socket.on('close', () => {
      open--
      c.closed = true
      if (!c.blocked) cut(c) // else: finished once the pipeline has taken its messages
    })
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (!c.dropped) report(c, 'ERR_CONNECTION', `connection failed: ${e.code ?? e.message}`, e)
    })
    if (intake.closed) {
      c.dropped = true
      return void socket.destroy()
    }
    if (idleMs > 0) socket.setTimeout(idleMs)
    socket.on('data', (chunk: Buffer) => {
      if (c.dropped) return
      c.buf = c.buf.length === 0 ? chunk : Buffer.concat([c.buf, chunk])
      if (!c.blocked) cut(c)
    })
    socket.on('timeout', () => {
      report(c, 'ERR_IDLE_TIMEOUT', `no data for ${idleMs} ms; connection closed`)
      socket.destroy()
    })
    socket.on('end', () => (c.clean = true))
  }

  function start(): void {
    const s = createServer({ pauseOnConnect: false }, onConnection)
    server = s
    s.on('error', (e) => {
      rejectListening(e)
      intake.fail(new Error(`fromTcp: server error: ${e.message}`, { cause: e }))
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

  function stop(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      intake.close()
      const s = server
      if (s === undefined || !s.listening) rejectListening(new Error('fromTcp: closed before it listened'))
      for (const c of conns) {
        c.dropped = true
        c.socket.destroy()
      }
      blocked.clear()
      if (s === undefined) resolve()
      else s.close(() => resolve())
    })
    return closing
  }

  const onAbort = (): void => {
    intake.abort(signal?.reason)
    void stop()
  }

  return {
    listening,
    get connections() {
      return open
    },
    get buffered() {
      return intake.length
    },
    get paused() {
      return blocked.size > 0
    },
    [Symbol.asyncIterator](): AsyncIterator<string | Buffer> {
      if (claimed) throw new TypeError('fromTcp: it can be consumed by one pipeline only')
      claimed = true
      return {
        next() {
          if (server === undefined && closing === undefined) {
            if (signal?.aborted === true) onAbort()
            else {
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
