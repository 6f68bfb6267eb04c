import { once } from 'node:events'
import { createServer, type AddressInfo } from 'node:net'
import { Aedes } from 'aedes'
import { pipe, map, slice, toArray } from '../../src/index.js'
import { fromMqtt, toMqtt } from '../../src/sources/mqtt/index.js'

export async function run() {
  const broker = await Aedes.createBroker()
  const server = createServer((socket) => broker.handle(socket)).listen(0, '127.0.0.1')
  await once(server, 'listening')
  const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`
  // a persistent session: the broker keeps the subscription, and QoS 1 messages, while we are away
  const session = { qos: 1, clientId: 'billing-worker', clean: false } as const
  const read = (n: number) =>
    pipe(
      fromMqtt(url, 'orders', { ...session, highWaterMark: 0 }), // acknowledge each as it is taken
      map((m) => m.payload.toString()),
      slice(0, n),
      toArray(),
    )
  try {
    let subscribed = (): void => undefined
    const ready = new Promise<void>((resolve) => (subscribed = resolve))
    const firstRun = pipe(
      fromMqtt(url, 'orders', { ...session, highWaterMark: 0, onSubscribe: () => subscribed() }),
      map((m) => m.payload.toString()),
      slice(0, 2),
      toArray(),
    )
    await ready
    await pipe(['order 1', 'order 2', 'order 3', 'order 4'], toMqtt(url, 'orders', { qos: 1 }))
    const first = await firstRun // stops after two: the client disconnects
    await pipe(['order 5'], toMqtt(url, 'orders', { qos: 1 })) // published while nobody listens
    const second = await read(3) // the same clientId resumes the session
    return { first, second }
  } finally {
    broker.close()
    server.close()
  }
}

export const expected = {
  first: ['order 1', 'order 2'],
  second: ['order 3', 'order 4', 'order 5'],
}
