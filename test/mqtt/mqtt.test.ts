import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { connectAsync } from 'mqtt'
import { fromMqtt, toMqtt, type MqttMessage } from '../../src/sources/mqtt/index.js'
import { pipe } from '../../src/pipe/pipe.js'
import { map } from '../../src/operators/map.js'
import { slice } from '../../src/operators/slice.js'
import { toArray } from '../../src/operators/to-array.js'
import {
  freshTopic,
  mosquittoSkip,
  startAedes,
  startMosquitto,
  testBroker,
  until,
  within,
  type TestBroker,
} from './broker.js'

let broker: TestBroker
before(async () => {
  broker = await testBroker()
})
after(async () => {
  await broker.close()
})

/** The number of open TCP handles (sockets and servers) of this process. */
function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap').length
}

/** Read `n` elements of `source` once subscribed, while `publish` runs. */
async function readWhile<T>(
  source: (onSubscribe: () => void) => AsyncIterable<T>,
  n: number,
  publish: () => Promise<void>,
): Promise<T[]> {
  let subscribed = false
  const out = pipe(
    source(() => (subscribed = true)),
    slice(0, n),
    toArray(),
  )
  await within(
    until(() => subscribed, 'the subscription'),
    'the subscription',
  )
  await publish()
  return within(out, `${n} messages`)
}

test('fromMqtt emits { topic, payload, qos, retain, dup } for the messages toMqtt publishes', async () => {
  const topic = freshTopic('roundtrip')
  const got = await readWhile(
    (onSubscribe) => fromMqtt(broker.url, `${topic}/#`, { qos: 1, onSubscribe }),
    3,
    () => pipe(['a', 'b', 'c'], toMqtt(broker.url, `${topic}/x`, { qos: 1 })),
  )
  assert.deepEqual(
    got.map((m) => ({ ...m, payload: m.payload.toString(), properties: undefined })),
    ['a', 'b', 'c'].map((p) => ({
      topic: `${topic}/x`,
      payload: p,
      qos: 1,
      retain: false,
      dup: false,
      properties: undefined,
    })),
  )
  assert.ok(got.every((m) => Buffer.isBuffer(m.payload)))
})

test('toMqtt publishes strings and bytes as they are, other values as JSON, to a topic per element', async () => {
  const topic = freshTopic('encode')
  const values: unknown[] = ['text', Buffer.from([1, 2]), new Uint8Array([3, 4]), 42, { a: [1, null] }, null, true]
  const got = await readWhile(
    (onSubscribe) => fromMqtt(broker.url, `${topic}/+`, { qos: 1, onSubscribe }),
    values.length,
    () =>
      pipe(
        values,
        toMqtt(broker.url, (x: unknown) => `${topic}/${typeof x === 'object' && x !== null ? 'obj' : typeof x}`, {
          qos: 1,
        }),
      ),
  )
  assert.deepEqual(
    got.map((m) => [m.topic.slice(topic.length + 1), [...m.payload]]),
    [
      ['string', [...Buffer.from('text')]],
      ['obj', [1, 2]],
      ['obj', [3, 4]],
      ['number', [...Buffer.from('42')]],
      ['obj', [...Buffer.from('{"a":[1,null]}')]],
      ['object', [...Buffer.from('null')]],
      ['boolean', [...Buffer.from('true')]],
    ],
  )
})

test('toMqtt rejects undefined, naming it', async () => {
  await assert.rejects(pipe([undefined], toMqtt(broker.url, freshTopic('bad'))), /toMqtt: cannot publish undefined/)
})

test('toMqtt with retain: a later subscriber gets the last element', async () => {
  const topic = freshTopic('retain')
  await pipe(['old', 'last'], toMqtt(broker.url, topic, { qos: 1, retain: true }))
  try {
    const [m] = await within(pipe(fromMqtt(broker.url, topic, { qos: 1 }), slice(0, 1), toArray()), 'retained')
    assert.equal(m?.payload.toString(), 'last')
    assert.equal(m.retain, true)
  } finally {
    await pipe([''], toMqtt(broker.url, topic, { qos: 1, retain: true })) // clear it
  }
})

test('fromMqtt with several topics, and parse', async () => {
  const a = freshTopic('multi-a')
  const b = freshTopic('multi-b')
  const got = await readWhile(
    (onSubscribe) =>
      fromMqtt(broker.url, [a, b], {
        qos: 1,
        onSubscribe,
        parse: (payload) => JSON.parse(payload.toString()) as { n: number },
      }),
    2,
    async () => {
      await pipe([{ n: 1 }], toMqtt(broker.url, a, { qos: 1 }))
      await pipe([{ n: 2 }], toMqtt(broker.url, b, { qos: 1 }))
    },
  )
  assert.deepEqual(
    got.map((m) => [m.topic, m.payload.n]),
    [
      [a, 1],
      [b, 2],
    ],
  )
})

test('fromMqtt: a payload parse rejects goes to onError, is skipped, and the stream goes on', async () => {
  const topic = freshTopic('parse')
  const errors: Error[] = []
  const got = await readWhile(
    (onSubscribe) =>
      fromMqtt(broker.url, topic, {
        qos: 1,
        onSubscribe,
        parse: (payload) => JSON.parse(payload.toString()) as unknown,
        onError: (e) => errors.push(e),
      }),
    3,
    () => pipe(['1', '{not json', '2', '', '3'], toMqtt(broker.url, topic, { qos: 1 })),
  )
  assert.deepEqual(
    got.map((m) => m.payload),
    [1, 2, 3],
  )
  assert.equal(errors.length, 2)
  assert.match(errors[0]!.message, /^fromMqtt: parse failed on a message on ".*" \(9 bytes\): /)
  assert.ok(errors[0]!.cause instanceof SyntaxError)
})

test('fromMqtt: without onError, a payload parse rejects fails the stream after the messages before it', async () => {
  const topic = freshTopic('parse-fail')
  const before = tcpHandles()
  let subscribed = false
  const seen: unknown[] = []
  const done = (async () => {
    for await (const m of fromMqtt(broker.url, topic, {
      qos: 1,
      onSubscribe: () => (subscribed = true),
      parse: (payload) => JSON.parse(payload.toString()) as unknown,
    }))
      seen.push(m.payload)
  })()
  done.catch(() => undefined) // checked below
  await within(
    until(() => subscribed, 'the subscription'),
    'the subscription',
  )
  await pipe(['1', '2', 'oops', '3'], toMqtt(broker.url, topic, { qos: 1 }))
  await assert.rejects(within(done, 'the failure'), /fromMqtt: parse failed on a message on/)
  assert.deepEqual(seen, [1, 2])
  await until(() => tcpHandles() <= before, 'the client to close')
})

test('fromMqtt: break closes the client', async () => {
  const topic = freshTopic('break')
  const before = tcpHandles()
  const got = await readWhile(
    (onSubscribe) => fromMqtt(broker.url, topic, { onSubscribe }),
    1,
    () => pipe(['x', 'y'], toMqtt(broker.url, topic)),
  )
  assert.equal(got.length, 1)
  await until(() => tcpHandles() <= before, 'the client to close')
})

test('fromMqtt: an abort rejects the waiting next() with the reason and closes the client', async () => {
  const before = tcpHandles()
  const ac = new AbortController()
  let subscribed = false
  const it = fromMqtt(broker.url, freshTopic('abort'), {
    signal: ac.signal,
    onSubscribe: () => (subscribed = true),
  })[Symbol.asyncIterator]()
  const pending = it.next()
  await within(
    until(() => subscribed, 'the subscription'),
    'the subscription',
  )
  const reason = new Error('enough')
  ac.abort(reason)
  await assert.rejects(pending, (e) => e === reason)
  await until(() => tcpHandles() <= before, 'the client to close')
  assert.deepEqual(await it.next(), { value: undefined, done: true })
})

test('fromMqtt and toMqtt: no broker at the url fails clearly, naming the url', async () => {
  const gone = await startAedes(0)
  const url = gone.url
  await gone.stop()
  await assert.rejects(
    within(pipe(fromMqtt(url, 'x'), toArray()), 'the failure'),
    (e: Error) => e.message.startsWith(`fromMqtt: ${url}: `) && /ECONNREFUSED/.test(e.message),
  )
  await assert.rejects(
    within(pipe(['x'], toMqtt(url, 'x')), 'the failure'),
    (e: Error) => e.message.startsWith(`toMqtt: ${url}: `) && /ECONNREFUSED/.test(e.message),
  )
})

test('fromMqtt and toMqtt: a broker refusing the connection or the subscription fails clearly', async () => {
  const a = await startAedes(0, {
    authenticate: (_client, username, _password, done) => done(null, username === 'ok'),
    authorizeSubscribe: (_client, sub, done) => done(null, sub.topic === 'secret' ? null : sub),
  })
  try {
    await assert.rejects(
      within(pipe(fromMqtt(a.url, 'x', { username: 'nope' }), toArray()), 'the refusal'),
      (e: Error) => e.message.startsWith(`fromMqtt: ${a.url}: `) && /Not authorized/i.test(e.message),
    )
    await assert.rejects(
      within(pipe(['x'], toMqtt(a.url, 'x', { username: 'nope' })), 'the refusal'),
      (e: Error) => e.message.startsWith(`toMqtt: ${a.url}: `) && /Not authorized/i.test(e.message),
    )
    await assert.rejects(
      within(pipe(fromMqtt(a.url, 'secret', { username: 'ok' }), toArray()), 'the refusal'),
      /fromMqtt: .*: the broker refused the subscription to "secret"/,
    )
  } finally {
    await a.stop()
  }
})

test('fromMqtt: back pressure: the client acknowledges at most highWaterMark messages ahead of the pipeline', async () => {
  const a = await startAedes(0)
  const acked = new Map<string, number>()
  a.broker.on('ack', (_packet, client) => acked.set(client.id, (acked.get(client.id) ?? 0) + 1))
  const clientId = `streamz-bp-${process.pid}`
  let subscribed = false
  const it = fromMqtt(a.url, 'bp', {
    qos: 1,
    clientId,
    highWaterMark: 5,
    onSubscribe: () => (subscribed = true),
  })[Symbol.asyncIterator]()
  try {
    const first = it.next()
    await within(
      until(() => subscribed, 'the subscription'),
      'the subscription',
    )
    const pub = await connectAsync(a.url)
    for (let i = 0; i < 100; i++) await pub.publishAsync('bp', String(i), { qos: 1 })
    await pub.endAsync()
    assert.equal(((await first).value as MqttMessage).payload.toString(), '0')
    // the broker has sent what its in-flight window allows; the client acks no more than it buffers
    await until(() => (acked.get(clientId) ?? 0) >= 6, 'the first acknowledgements')
    await new Promise<void>((r) => setTimeout(r, 200))
    assert.equal(acked.get(clientId), 6, 'the one taken + 5 buffered (the next one waits, unacknowledged)')
    // as the pipeline takes them, the rest follow, in order
    const rest: string[] = []
    for (let i = 1; i < 100; i++) {
      const r = await within(it.next(), `message ${i}`)
      rest.push((r.value as MqttMessage).payload.toString())
    }
    assert.deepEqual(
      rest,
      Array.from({ length: 99 }, (_, i) => String(i + 1)),
    )
    await until(() => acked.get(clientId) === 100, 'every acknowledgement')
  } finally {
    await it.return?.()
    await a.stop()
  }
})

test('fromMqtt and toMqtt check their arguments', () => {
  assert.throws(() => fromMqtt('', 'x'), /fromMqtt: url must be a non-empty string, got ""/)
  assert.throws(() => fromMqtt('mqtt://h', []), /fromMqtt: topic must be a non-empty string or array of them/)
  assert.throws(() => fromMqtt('mqtt://h', 'x', { qos: 3 as 0 }), /fromMqtt: qos must be 0, 1 or 2, got 3/)
  assert.throws(() => fromMqtt('mqtt://h', 'x', { highWaterMark: -1 }), RangeError)
  assert.throws(() => fromMqtt('mqtt://h', 'x', { parse: 1 as never }), /fromMqtt: parse must be a function/)
  assert.throws(() => toMqtt('mqtt://h', ''), /toMqtt: topic must be a non-empty string or a function/)
  assert.throws(() => toMqtt('mqtt://h', 't', { retain: 'yes' as never }), /toMqtt: retain must be a boolean/)
})

test('fromMqtt: building it connects nothing; an aborted signal fails the first next()', async () => {
  const before = tcpHandles()
  const source = pipe(
    fromMqtt(broker.url, 'x'),
    map((m: MqttMessage) => m.topic),
  )
  assert.equal(tcpHandles(), before)
  const ac = new AbortController()
  ac.abort(new Error('early'))
  await assert.rejects(pipe(fromMqtt(broker.url, 'x', { signal: ac.signal }), toArray()), /early/)
  assert.ok(source)
})

test('fromMqtt: messages not taken when the stream stops are not acknowledged: the session gets them again', async () => {
  const a = await startAedes(0)
  const session = { qos: 1, clientId: `streamz-resume-${process.pid}`, clean: false, highWaterMark: 0 } as const
  try {
    let subscribed = false
    const first = pipe(
      fromMqtt(a.url, 'resume', { ...session, onSubscribe: () => (subscribed = true) }),
      map((m: MqttMessage) => m.payload.toString()),
      slice(0, 2),
      toArray(),
    )
    await within(
      until(() => subscribed, 'the subscription'),
      'the subscription',
    )
    const N = 20
    await pipe(
      Array.from({ length: N }, (_, i) => String(i)),
      toMqtt(a.url, 'resume', { qos: 1 }),
    )
    assert.deepEqual(await within(first, 'the first two'), ['0', '1'])
    const rest = await within(
      pipe(
        fromMqtt(a.url, 'resume', session),
        map((m: MqttMessage) => m.payload.toString()),
        slice(0, N - 2),
        toArray(),
      ),
      'the rest',
    )
    assert.deepEqual(
      rest,
      Array.from({ length: N - 2 }, (_, i) => String(i + 2)),
    )
  } finally {
    await a.stop()
  }
})

test(
  'toMqtt: a publication the broker refuses (MQTT 5 reason code) rejects, naming the topic',
  { skip: mosquittoSkip() },
  async () => {
    const m = await startMosquitto((dir) => [`acl_file ${dir}/acl`], { acl: 'topic readwrite open/#\n' })
    try {
      await assert.rejects(
        within(
          pipe(
            ['fine', 'refused'],
            toMqtt(m.url, (x: string) => (x === 'fine' ? 'open/a' : 'closed/b'), { qos: 1, protocolVersion: 5 }),
          ),
          'the refusal',
        ),
        (e: Error) => e.message === `toMqtt: ${m.url}: publishing to "closed/b" failed: Publish error: Not authorized`,
      )
    } finally {
      await m.close()
    }
  },
)

test('toMqtt: an abort ends the sink even while the source is silent, and closes the client', async () => {
  const before = tcpHandles()
  const ac = new AbortController()
  const silent = (async function* () {
    yield 'x'
    await new Promise(() => undefined) // never yields again
  })()
  const done = pipe(silent, toMqtt(broker.url, freshTopic('abort-sink'), { qos: 1, signal: ac.signal }))
  await new Promise<void>((r) => setTimeout(r, 100))
  const reason = new Error('stop now')
  ac.abort(reason)
  await assert.rejects(within(done, 'the abort'), (e) => e === reason)
  await until(() => tcpHandles() <= before, 'the client to close')
})

test('fromMqtt: a failed parse without onError ends the stream there; the messages after it are not acknowledged', async () => {
  const a = await startAedes(0)
  const session = { qos: 1, clientId: `streamz-poison-${process.pid}`, clean: false } as const
  const parse = (payload: Buffer): number => {
    const n = Number(payload.toString())
    if (Number.isNaN(n)) throw new Error('not a number')
    return n
  }
  try {
    let subscribed = false
    const seen: number[] = []
    const first = (async () => {
      for await (const m of fromMqtt(a.url, 'poison', { ...session, parse, onSubscribe: () => (subscribed = true) }))
        seen.push(m.payload)
    })()
    first.catch(() => undefined) // checked below
    await within(
      until(() => subscribed, 'the subscription'),
      'the subscription',
    )
    await pipe(['1', '2', 'oops', '3', '4'], toMqtt(a.url, 'poison', { qos: 1 }))
    await assert.rejects(within(first, 'the failure'), /parse failed on a message on "poison" \(4 bytes\)/)
    assert.deepEqual(seen, [1, 2])
    // the same session again: the failed message was acknowledged, the ones after it were not
    const rest = await within(
      pipe(
        fromMqtt(a.url, 'poison', { ...session, parse }),
        map((m: MqttMessage<number>) => m.payload),
        slice(0, 2),
        toArray(),
      ),
      'the rest',
    )
    assert.deepEqual(rest, [3, 4])
  } finally {
    await a.stop()
  }
})

test('fromMqtt and toMqtt: a server that never answers the CONNECT fails after connectTimeout, naming the url', async () => {
  const sockets = new Set<Socket>()
  const silent = createServer((s) => sockets.add(s)).listen(0, '127.0.0.1')
  await once(silent, 'listening')
  const url = `mqtt://127.0.0.1:${(silent.address() as AddressInfo).port}`
  try {
    await assert.rejects(
      within(pipe(fromMqtt(url, 'x', { connectTimeout: 300 }), toArray()), 'the failure'),
      new RegExp(`^Error: fromMqtt: ${url}: connack timeout$`),
    )
    await assert.rejects(
      within(pipe(['x'], toMqtt(url, 'x', { connectTimeout: 300 })), 'the failure'),
      new RegExp(`^Error: toMqtt: ${url}: connack timeout$`),
    )
  } finally {
    for (const s of sockets) s.destroy()
    await new Promise<void>((resolve) => silent.close(() => resolve()))
  }
})
