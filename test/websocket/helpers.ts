/** Helpers for the WebSocket tests: real servers and clients on free local ports. */
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import {
  fromWebsocket,
  type FromWebsocketOptions,
  type WebsocketMessage,
  type WebsocketSource,
} from '../../src/sources/websocket/index.js'

/** `p`, or a failure after `ms` of real time: a guard against a hang, not a timing assertion. */
export async function within<T>(p: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([p, guard])
  } finally {
    clearTimeout(timer)
  }
}

/** Poll `cond` until it holds, failing after `ms` of real time. */
export async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise<void>((r) => setTimeout(r, 5))
  }
}

/** True if a TCP server can listen on 127.0.0.1:port now. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

/**
 * A fromWebsocket server on a free port, its iterator already waiting on the first next(),
 * so that it listens; resolves once it does.
 */
export async function listening(
  options: Omit<FromWebsocketOptions, 'port' | 'onListening'> & { port?: number } = {},
): Promise<{
  source: WebsocketSource
  it: AsyncIterator<WebsocketMessage>
  first: Promise<IteratorResult<WebsocketMessage>>
  port: number
  url: string
}> {
  let address: AddressInfo | undefined
  const source = fromWebsocket({ host: '127.0.0.1', port: 0, ...options, onListening: (a) => (address = a) })
  const it = source[Symbol.asyncIterator]()
  const first = it.next()
  first.catch(() => undefined)
  await until(() => address !== undefined, 'the server to listen')
  const port = (address as AddressInfo).port
  return { source, it, first, port, url: `ws://127.0.0.1:${port}` }
}
