import { pipe, slice, toArray } from '../../src/index.js'
import { fromWebsocket, toWebsocket } from '../../src/sources/websocket/index.js'

export async function run() {
  const problems: string[] = []
  let url = ''
  let listening = (): void => undefined
  const ready = new Promise<void>((resolve) => (listening = resolve))
  const server = fromWebsocket({
    port: 0,
    host: '127.0.0.1',
    maxPayload: 64, // bytes; a bigger message closes its client with 1009
    onError: (e) => problems.push(e.message.replace(/\(127\.0\.0\.1:\d+\)/, '(…)')),
    onListening: (address) => {
      url = `ws://127.0.0.1:${address.port}`
      listening()
    },
  })
  const received = pipe(server, slice(0, 2), toArray())
  await ready
  // the first client sends a fine message, then one far too big: the server closes it,
  // and the client's sink fails with the close code instead of losing the message silently
  let tooBig = 'sent'
  try {
    await pipe(['hello', 'x'.repeat(1000)], toWebsocket(url, { reconnect: false }))
  } catch (e) {
    tooBig = (e as Error).message.replace(/:\d+/, ':…')
  }
  // the server goes on serving everyone else
  await pipe(['still here'], toWebsocket(url))
  return { received: (await received).map((m) => m.data), problems, tooBig }
}

export const expected = {
  received: ['hello', 'still here'],
  problems: ['fromWebsocket: client 1 (…): Max payload size exceeded (WS_ERR_UNSUPPORTED_MESSAGE_LENGTH); closed'],
  tooBig: 'toWebsocket: ws://127.0.0.1:… closed the connection with 1009: it refused what was sent',
}
