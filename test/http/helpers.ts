/** Helpers for the HTTP and TCP connector tests: real sockets, no mocks. */
import { request } from 'node:http'
import { connect, createServer, type Socket } from 'node:net'

export interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** POST `body` to 127.0.0.1:`port` on a fresh connection (no keep-alive agent). */
export function post(
  port: number,
  body: string | Buffer,
  options: { path?: string; method?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: options.path ?? '/',
        method: options.method ?? 'POST',
        agent: false,
        headers: options.headers,
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (s: string) => (text += s))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** A raw TCP client connected to 127.0.0.1:`port`, with everything it receives collected. */
export async function rawClient(
  port: number,
): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1')
  let data = ''
  socket.setEncoding('utf8')
  socket.on('data', (s: string) => (data += s))
  socket.on('error', () => undefined)
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('error', reject)
  })
  return { socket, received: () => data, closed }
}

/** Resolves when `port` can be bound again on 127.0.0.1 (rejects with EADDRINUSE otherwise). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

/** Wait until `cond()` holds, checking on each turn of the event loop (fails after `ms`). */
export async function until(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 2))
  }
}
