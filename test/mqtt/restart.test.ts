import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connectAsync } from 'mqtt'
import { fromMqtt, type MqttMessage } from '../../src/sources/mqtt/index.js'
import { mosquittoSkip, startAedes, startMosquitto, until, within } from './broker.js'

function value(r: IteratorResult<MqttMessage>): number {
  if (r.done === true) assert.fail('the stream ended')
  return Number(r.value.payload.toString())
}

interface Restartable {
  url: string
  /** Stop the broker (cutting every connection). */
  stop(): Promise<void>
  /** Start it again on the same port, with what it persisted. */
  start(): Promise<void>
}

/**
 * QoS 1 with a persistent session (clean: false, fixed clientId) across a broker restart in
 * the middle of a stream: N/2 messages published before the restart, the stream takes 10, the
 * broker restarts while the rest wait in it and in the client's buffer, N/2 more are published
 * after; every one of the N must arrive.
 */
async function survivesRestart(broker: Restartable): Promise<{ received: number[]; errors: Error[] }> {
  const N = 200
  const errors: Error[] = []
  let subscribed = false
  const source = fromMqtt(broker.url, 'restart/t', {
    qos: 1,
    clientId: `streamz-restart-${process.pid}`,
    clean: false,
    reconnectPeriod: 50,
    highWaterMark: 4,
    onSubscribe: () => (subscribed = true),
    onError: (e) => errors.push(e),
  })
  const it = source[Symbol.asyncIterator]()
  const received: number[] = []
  try {
    const firstNext = it.next()
    await within(
      until(() => subscribed, 'the subscription'),
      'the subscription',
    )
    const pub = await connectAsync(broker.url, { reconnectPeriod: 0 })
    for (let i = 0; i < N / 2; i++) await pub.publishAsync('restart/t', String(i), { qos: 1 })
    await pub.endAsync()
    received.push(value(await firstNext))
    for (let i = 0; i < 9; i++) received.push(value(await it.next()))
    await broker.stop()
    await broker.start()
    const pub2 = await connectAsync(broker.url, { reconnectPeriod: 0 })
    for (let i = N / 2; i < N; i++) await pub2.publishAsync('restart/t', String(i), { qos: 1 })
    await pub2.endAsync()
    while (new Set(received).size < N) {
      const what = `message ${received.length + 1} (have ${new Set(received).size} distinct)`
      received.push(value(await within(it.next(), what)))
    }
  } finally {
    await it.return?.()
  }
  assert.deepEqual(
    [...new Set(received)].sort((a, b) => a - b),
    Array.from({ length: N }, (_, i) => i),
  )
  // at least once: a redelivered message may come twice, but no more than the in-flight window
  assert.ok(received.length - N <= 25, `${received.length - N} duplicates`)
  assert.ok(errors.length > 0, 'the reconnection was reported to onError')
  return { received, errors }
}

// The broker is an embedded aedes that the test stops and starts again on the same port with
// the same persistence (its session store), as a broker with persistence restarts.
test('fromMqtt: QoS 1 messages are not lost across a broker restart in the middle of a stream (aedes)', async (t) => {
  let current = await startAedes(0)
  const port = current.port
  const persistence = (current.broker as unknown as { persistence: unknown }).persistence
  let running = true
  try {
    const { received } = await survivesRestart({
      url: current.url,
      stop: async () => {
        running = false
        await current.stop()
      },
      start: async () => {
        current = await startAedes(port, { persistence })
        running = true
      },
    })
    t.diagnostic(`${received.length} received for 200 published (${received.length - 200} duplicates)`)
  } finally {
    if (running) await current.stop()
  }
})

// The same with a Mosquitto process of its own (persistence on disk), stopped with SIGTERM
// (it saves its sessions) and started again. Skipped where mosquitto is not installed, except
// under CI, where it must run.
test(
  'fromMqtt: QoS 1 messages are not lost across a Mosquitto restart in the middle of a stream',
  { skip: mosquittoSkip() },
  async (t) => {
    const m = await startMosquitto()
    try {
      const { received } = await survivesRestart({ url: m.url, stop: () => m.stop(), start: () => m.start() })
      t.diagnostic(`${received.length} received for 200 published (${received.length - 200} duplicates)`)
    } finally {
      await m.close()
    }
  },
)
