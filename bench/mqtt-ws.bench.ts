// Ingest throughput of fromWebsocket and fromMqtt against the raw client/server doing the same
// (counting messages in an event handler), side by side in one run. Standalone:
//
//   node --import tsx bench/mqtt-ws.bench.ts            (MQTT on 127.0.0.1:1883, else an embedded aedes)
//   BENCH_N=20000 node --import tsx bench/mqtt-ws.bench.ts
//
// Each row: messages/s from the first send to the last message received, median of 3 runs.

import { once } from 'node:events'
import { createServer, connect as netConnect, type AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { Aedes } from 'aedes'
import { connectAsync, type MqttClient } from 'mqtt'
import { WebSocket, WebSocketServer } from 'ws'
import { fromMqtt } from '../src/sources/mqtt/index.js'
import { fromWebsocket } from '../src/sources/websocket/index.js'

const N = Number(process.env.BENCH_N ?? 50_000)
const RUNS = 3
const payload = 'x'.repeat(32)

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

async function wsRaw(): Promise<number> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await once(wss, 'listening')
  let count = 0
  let done = (): void => undefined
  const finished = new Promise<void>((r) => (done = r))
  wss.on('connection', (ws) =>
    ws.on('message', () => {
      if (++count === N) done()
    }),
  )
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`)
  await once(client, 'open')
  const t0 = performance.now()
  for (let i = 0; i < N; i++) client.send(payload)
  await finished
  const ms = performance.now() - t0
  client.terminate()
  await new Promise<void>((r) => wss.close(() => r()))
  return (N / ms) * 1000
}

async function wsSource(): Promise<number> {
  let port = 0
  const source = fromWebsocket({ port: 0, host: '127.0.0.1', onListening: (a) => (port = a.port) })
  const it = source[Symbol.asyncIterator]()
  const first = it.next()
  while (port === 0) await new Promise<void>((r) => setTimeout(r, 1))
  const client = new WebSocket(`ws://127.0.0.1:${port}`)
  await once(client, 'open')
  const t0 = performance.now()
  for (let i = 0; i < N; i++) client.send(payload)
  await first
  for (let i = 1; i < N; i++) await it.next()
  const ms = performance.now() - t0
  client.terminate()
  await it.return?.()
  return (N / ms) * 1000
}

async function brokerUrl(): Promise<{ url: string; kind: string; close(): void }> {
  const up = await new Promise<boolean>((resolve) => {
    const s = netConnect({ host: '127.0.0.1', port: 1883 })
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
  if (up) return { url: 'mqtt://127.0.0.1:1883', kind: 'mosquitto', close: () => undefined }
  const broker = await Aedes.createBroker()
  const server = createServer((s) => broker.handle(s)).listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    kind: 'aedes',
    close: () => {
      broker.close()
      server.close()
    },
  }
}

/** Publish N messages, 500 at a time (mqtt.js queues a drain listener per waiting write). */
async function publishAll(url: string, topic: string, qos: 0 | 1): Promise<MqttClient> {
  const pub = await connectAsync(url)
  void (async () => {
    for (let i = 0; i < N; i += 500) {
      const batch: Promise<unknown>[] = []
      for (let j = i; j < Math.min(N, i + 500); j++) batch.push(pub.publishAsync(topic, payload, { qos }))
      await Promise.all(batch)
    }
  })()
  return pub
}

async function mqttRaw(url: string, qos: 0 | 1): Promise<number> {
  const topic = `bench/raw/${process.pid}/${Math.random()}`
  const sub = await connectAsync(url)
  await sub.subscribeAsync(topic, { qos })
  let count = 0
  let done = (): void => undefined
  const finished = new Promise<void>((r) => (done = r))
  sub.on('message', () => {
    if (++count === N) done()
  })
  const t0 = performance.now()
  const pub = await publishAll(url, topic, qos)
  await finished
  const ms = performance.now() - t0
  await pub.endAsync()
  await sub.endAsync()
  return (N / ms) * 1000
}

async function mqttSource(url: string, qos: 0 | 1): Promise<number> {
  const topic = `bench/src/${process.pid}/${Math.random()}`
  let subscribed = false
  const it = fromMqtt(url, topic, { qos, onSubscribe: () => (subscribed = true) })[Symbol.asyncIterator]()
  const first = it.next()
  while (!subscribed) await new Promise<void>((r) => setTimeout(r, 1))
  const t0 = performance.now()
  const pub = await publishAll(url, topic, qos)
  await first
  for (let i = 1; i < N; i++) await it.next()
  const ms = performance.now() - t0
  await pub.endAsync()
  await it.return?.()
  return (N / ms) * 1000
}

async function pair(name: string, raw: () => Promise<number>, ours: () => Promise<number>): Promise<void> {
  const r: number[] = []
  const o: number[] = []
  for (let i = 0; i < RUNS; i++) {
    r.push(await raw())
    o.push(await ours())
  }
  const mr = median(r)
  const mo = median(o)
  console.log(
    `| ${name} | ${Math.round(mr).toLocaleString('en')} | ${Math.round(mo).toLocaleString('en')} | ${(mo / mr).toFixed(2)} |`,
  )
}

const broker = await brokerUrl()
console.log(
  `${N} messages of ${payload.length} bytes, median of ${RUNS} runs, Node ${process.version}; MQTT broker: ${broker.kind}`,
)
console.log('| ingest | raw client/server (msg/s) | streamz-ts source (msg/s) | ratio |')
console.log('| --- | --- | --- | --- |')
await pair('WebSocket, one client', wsRaw, wsSource)
await pair(
  'MQTT QoS 0',
  () => mqttRaw(broker.url, 0),
  () => mqttSource(broker.url, 0),
)
await pair(
  'MQTT QoS 1',
  () => mqttRaw(broker.url, 1),
  () => mqttSource(broker.url, 1),
)
broker.close()
