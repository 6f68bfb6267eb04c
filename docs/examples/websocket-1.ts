import { pipe, map, slice, toArray } from '../../src/index.js'
import { fromWebsocket, toWebsocket } from '../../src/sources/websocket/index.js'

interface Click {
  user: string
  clicks: number
}

export async function run() {
  let url = ''
  let listening = (): void => undefined
  const ready = new Promise<void>((resolve) => (listening = resolve))
  const server = fromWebsocket({
    port: 0, // any free port: onListening says which
    host: '127.0.0.1',
    path: '/clicks',
    onListening: (address) => {
      url = `ws://127.0.0.1:${address.port}/clicks`
      listening()
    },
  })
  const totals = pipe(
    server,
    map((m) => JSON.parse(m.data as string) as Click),
    map((c) => `${c.user}: ${c.clicks}`),
    slice(0, 4), // after four messages the pipeline stops, and so does the server
    toArray(),
  )
  await ready
  // two clients; each sends its elements as JSON text messages
  await Promise.all([
    pipe(
      [
        { user: 'ada', clicks: 3 },
        { user: 'ada', clicks: 5 },
      ],
      toWebsocket(url),
    ),
    pipe(
      [
        { user: 'bob', clicks: 1 },
        { user: 'bob', clicks: 2 },
      ],
      toWebsocket(url),
    ),
  ])
  return (await totals).sort()
}

export const expected = ['ada: 3', 'ada: 5', 'bob: 1', 'bob: 2']
