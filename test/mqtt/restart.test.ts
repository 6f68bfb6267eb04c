import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connectAsync } from 'mqtt'
import { fromMqtt, type MqttMessage } from '../../src/sources/mqtt/index.js'
import { startAedes, until, within } from './broker.js'

function value(r: IteratorResult<MqttMessage>): number {
  if (r.done === true) assert.fail('the stream ended')
  return Number(r.value.payload.toString())
}

// QoS 1 with a persistent session (clean: false, fixed clientId) survives a broker restart in
// the middle of a stream: messages published before the restart and not yet delivered or
// acknowledged are delivered after it, and so are those published after it. The broker is an
// embedded aedes that the test stops and starts again on the same port, with the same
// persistence (its session store), as a restarted broker with persistence would.
test('fromMqtt: QoS 1 messages are not lost across a broker restart in the middle of a stream', async () => {
  const N = 200
  const first = await startAedes(0)
  const port = first.port
  const persistence = (first.broker as unknown as { persistence: unknown }).persistence
  let second: Awaited<ReturnType<typeof startAedes>> | undefined
  const errors: Error[] = []
  let subscribed = false
  const source = fromMqtt(first.url, 'restart/t', {
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
    const pub = await connectAsync(first.url, { reconnectPeriod: 0 })
    for (let i = 0; i < N / 2; i++) await pub.publishAsync('restart/t', String(i), { qos: 1 })
    await pub.endAsync()
    // take a few, then restart the broker while the rest wait in the broker and in the buffer
    received.push(value(await firstNext))
    for (let i = 0; i < 9; i++) received.push(value(await it.next()))
    await first.stop()
    second = await startAedes(port, { persistence })
    const pub2 = await connectAsync(second.url, { reconnectPeriod: 0 })
    for (let i = N / 2; i < N; i++) await pub2.publishAsync('restart/t', String(i), { qos: 1 })
    await pub2.endAsync()
    while (new Set(received).size < N) {
      const what = `message ${received.length + 1} (have ${new Set(received).size} distinct)`
      received.push(value(await within(it.next(), what)))
    }
  } finally {
    await it.return?.()
    await second?.stop()
  }
  const distinct = [...new Set(received)].sort((a, b) => a - b)
  assert.deepEqual(
    distinct,
    Array.from({ length: N }, (_, i) => i),
  )
  // at least once: a redelivered message may come twice, but not more than the in-flight window
  assert.ok(received.length - N <= 25, `${received.length - N} duplicates`)
  assert.ok(errors.length > 0, 'the reconnection was reported to onError')
})
