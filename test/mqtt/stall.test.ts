import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connectAsync } from 'mqtt'
import { fromMqtt, type MqttMessage } from '../../src/sources/mqtt/index.js'
import { startAedes, until, within } from './broker.js'

// A pipeline that takes nothing for longer than the keep-alive holds back the client's reads,
// keep-alive answers included: the client reconnects. Nothing may be lost or stuck then.
test('fromMqtt: a pipeline stalled past the keep-alive: the client reconnects, every message still arrives', async (t) => {
  const a = await startAedes(0)
  const errors: Error[] = []
  let subscribed = false
  const it = fromMqtt(a.url, 'stall', {
    qos: 1,
    clientId: `streamz-stall-${process.pid}`,
    clean: false,
    keepalive: 1,
    reconnectPeriod: 50,
    highWaterMark: 2,
    onSubscribe: () => (subscribed = true),
    onError: (e) => errors.push(e),
  })[Symbol.asyncIterator]()
  let reconnects = 0
  a.broker.on('client', () => reconnects++)
  try {
    const first = it.next()
    await within(
      until(() => subscribed, 'the subscription'),
      'the subscription',
    )
    const pub = await connectAsync(a.url)
    const N = 30
    for (let i = 0; i < N; i++) await pub.publishAsync('stall', String(i), { qos: 1 })
    await pub.endAsync()
    const got = [((await first).value as MqttMessage).payload.toString()]
    // stall: take nothing for three keep-alive periods
    await new Promise<void>((r) => setTimeout(r, 3000))
    while (new Set(got).size < N) {
      const r = await within(it.next(), `message ${got.length + 1}`)
      got.push((r.value as MqttMessage).payload.toString())
    }
    assert.deepEqual(
      [...new Set(got)].map(Number).sort((x, y) => x - y),
      Array.from({ length: N }, (_, i) => i),
    )
    t.diagnostic(
      `${got.length} received for ${N}; broker saw ${reconnects} connections; ${errors.length} errors reported`,
    )
  } finally {
    await it.return?.()
    await a.stop()
  }
})
