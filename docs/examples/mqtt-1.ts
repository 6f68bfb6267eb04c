import { once } from 'node:events'
import { createServer, type AddressInfo } from 'node:net'
import { Aedes } from 'aedes'
import { pipe, map, slice, toArray } from '../../src/index.js'
import { fromMqtt, toMqtt } from '../../src/sources/mqtt/index.js'

interface Reading {
  room: string
  celsius: number
}

export async function run() {
  // a broker for this example, in-process (aedes); with Mosquitto, use 'mqtt://localhost:1883'
  const broker = await Aedes.createBroker()
  const server = createServer((socket) => broker.handle(socket)).listen(0, '127.0.0.1')
  await once(server, 'listening')
  const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`
  try {
    let subscribed = (): void => undefined
    const ready = new Promise<void>((resolve) => (subscribed = resolve))
    const readings = pipe(
      fromMqtt(url, 'home/+/temperature', {
        qos: 1,
        parse: (payload) => JSON.parse(payload.toString()) as Reading,
        onSubscribe: () => subscribed(),
      }),
      map((m) => `${m.topic}: ${m.payload.celsius}°C`),
      slice(0, 3),
      toArray(),
    )
    await ready // publish once the subscription is in place
    await pipe(
      [
        { room: 'kitchen', celsius: 21.5 },
        { room: 'attic', celsius: 14 },
        { room: 'kitchen', celsius: 22 },
      ],
      toMqtt(url, (r: Reading) => `home/${r.room}/temperature`, { qos: 1 }), // objects go out as JSON
    )
    return await readings
  } finally {
    broker.close()
    server.close()
  }
}

export const expected = [
  'home/kitchen/temperature: 21.5°C',
  'home/attic/temperature: 14°C',
  'home/kitchen/temperature: 22°C',
]
