/** Helpers for the WebSocket tests: real servers and clients on free local ports. */
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import {
  fromWebsocket,
  type FromWebsocketOptions,
  type WebsocketMessage,
  type WebsocketSource,
} from '../../src/sources/websocket/index.js'
import { until, within as guard } from '../helpers.js'

/** {@link guard}, allowing these tests 5 s by default. */
export const within = <T>(p: Promise<T>, what: string, ms = 5000): Promise<T> => guard(p, what, ms)
export { until }

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
