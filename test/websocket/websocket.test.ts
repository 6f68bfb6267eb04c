import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect as netConnect } from 'node:net'
import { once } from 'node:events'
import { WebSocket, WebSocketServer } from 'ws'
import { fromWebsocket, toWebsocket, type WebsocketMessage } from '../../src/sources/websocket/index.js'
import { pipe } from '../../src/pipe/pipe.js'
import { toArray } from '../../src/operators/to-array.js'
import { listening, portFree, until, within } from './helpers.js'

function value(r: IteratorResult<WebsocketMessage>): WebsocketMessage {
  if (r.done === true) assert.fail('the stream ended')
  return r.value
}

async function take(it: AsyncIterator<WebsocketMessage>, n: number): Promise<WebsocketMessage[]> {
  const out: WebsocketMessage[] = []
  for (let i = 0; i < n; i++) out.push(value(await within(it.next(), `message ${i + 1} of ${n}`)))
  return out
}

async function openClient(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url)
  await once(ws, 'open')
  return ws
}

test('fromWebsocket: every client’s messages are elements: text as strings, binary as Buffers', async () => {
  const { it, first, url } = await listening()
  try {
    const a = await openClient(url)
    a.send('hello')
    const m1 = value(await within(first, 'the first message'))
    assert.deepEqual(m1, { data: 'hello', isBinary: false, client: 1 })
    const b = await openClient(url)
    b.send(Buffer.from([0, 1, 255]))
    const [m2] = await take(it, 1)
    assert.deepEqual(m2, { data: Buffer.from([0, 1, 255]), isBinary: true, client: 2 })
    a.send('again')
    assert.deepEqual(await take(it, 1), [{ data: 'again', isBinary: false, client: 1 }])
    a.close()
    b.close()
  } finally {
    await it.return?.()
  }
})

test('toWebsocket sends strings and bytes as they are and other values as JSON; fromWebsocket receives them', async () => {
  const { it, first, url } = await listening()
  try {
    const values: unknown[] = ['text', Buffer.from([1, 2]), new Uint8Array([3]), 7, { a: [1, null] }, null]
    await within(pipe(values, toWebsocket(url)), 'the sends')
    const got = [value(await first), ...(await take(it, values.length - 1))]
    assert.deepEqual(
      got.map((m) => [m.data, m.isBinary]),
      [
        ['text', false],
        [Buffer.from([1, 2]), true],
        [Buffer.from([3]), true],
        ['7', false],
        ['{"a":[1,null]}', false],
        ['null', false],
      ],
    )
    await assert.rejects(pipe([undefined], toWebsocket(url)), /toWebsocket: cannot send undefined/)
  } finally {
    await it.return?.()
  }
})

test('fromWebsocket: port 0 picks a free port, address() tells it; break closes the clients and frees the port', async () => {
  let announced = 0
  const source = fromWebsocket({ port: 0, host: '127.0.0.1', onListening: (a) => (announced = a.port) })
  assert.equal(source.address(), null, 'nothing listens before the first next()')
  const client = (async () => {
    await until(() => announced !== 0, 'the server to listen')
    const ws = await openClient(`ws://127.0.0.1:${announced}`)
    const closed = once(ws, 'close')
    ws.send('one')
    ws.send('two')
    return closed
  })()
  const got: string[] = []
  let port = 0
  for await (const m of source) {
    port = source.address()!.port
    assert.equal(source.clients, 1)
    got.push(m.data as string)
    if (got.length === 2) break
  }
  assert.deepEqual(got, ['one', 'two'])
  assert.equal(port, announced)
  const [code] = (await within(client, 'the client to be closed')) as [number]
  assert.equal(code, 1001)
  assert.equal(source.address(), null)
  assert.ok(await portFree(port), `port ${port} is free again`)
  assert.throws(() => source[Symbol.asyncIterator](), /one pipeline only/)
})

test('fromWebsocket: an abort rejects the waiting next() with the reason and closes the server', async () => {
  const ac = new AbortController()
  const { it, first, port, url } = await listening({ signal: ac.signal })
  const ws = await openClient(url)
  const closed = once(ws, 'close')
  const reason = new Error('shutting down')
  ac.abort(reason)
  await assert.rejects(first, (e) => e === reason)
  await within(closed, 'the client to be closed')
  assert.deepEqual(await it.next(), { value: undefined, done: true })
  await it.return?.() // resolves once the server has closed
  assert.ok(await portFree(port))
})

test('fromWebsocket: a port in use fails the stream, naming it', async () => {
  const { it, port } = await listening()
  try {
    await assert.rejects(
      pipe(fromWebsocket({ port, host: '127.0.0.1' }), toArray()),
      new RegExp(`fromWebsocket: cannot listen on 127.0.0.1:${port}: .*EADDRINUSE`),
    )
  } finally {
    await it.return?.()
  }
})

test('fromWebsocket with path: other paths get 404, and toWebsocket there fails naming the url', async () => {
  const { it, first, url } = await listening({ path: '/in' })
  try {
    const bad = `${url}/other`
    await assert.rejects(
      pipe(['x'], toWebsocket(bad, { reconnect: false })),
      (e: Error) => e.message.startsWith(`toWebsocket: cannot connect to ${bad}: `) && /404/.test(e.message),
    )
    await pipe(['x'], toWebsocket(`${url}/in?key=1`))
    assert.equal(value(await within(first, 'the message')).data, 'x')
  } finally {
    await it.return?.()
  }
})

test('fromWebsocket: back pressure: a slow pipeline pauses reading, the buffer stays bounded, the client waits', async (t) => {
  const { source, it, first, url } = await listening({ highWaterMark: 8 })
  try {
    const ws = await openClient(url)
    const N = 400
    const chunk = Buffer.alloc(64 * 1024)
    for (let i = 0; i < N; i++) {
      chunk.writeUInt32BE(i, 0)
      ws.send(Buffer.from(chunk))
    }
    // nothing is taken: the server stops reading, so the data waits in the client
    const m0 = value(await within(first, 'the first message'))
    assert.equal((m0.data as Buffer).readUInt32BE(0), 0)
    await until(() => source.buffered >= 8, 'the buffer to fill')
    await new Promise<void>((r) => setTimeout(r, 300))
    const buffered = source.buffered
    assert.ok(buffered <= 8 + 2, `${buffered} messages buffered (highWaterMark 8, plus what one read holds)`)
    assert.ok(ws.bufferedAmount > 10 * chunk.length, `the client holds ${ws.bufferedAmount} bytes`)
    t.diagnostic(
      `server buffered ${buffered} messages; client bufferedAmount ${ws.bufferedAmount} bytes of ${N * chunk.length} sent`,
    )
    // taking them lets the rest through, in order
    const rest = await take(it, N - 1)
    assert.deepEqual(
      rest.map((m) => (m.data as Buffer).readUInt32BE(0)),
      Array.from({ length: N - 1 }, (_, i) => i + 1),
    )
    ws.close()
  } finally {
    await it.return?.()
  }
})

// ---- bad input: the server keeps serving, the error is visible, nothing accepted is lost

test('fromWebsocket: a message over maxPayload closes that client with 1009; the others go on', async () => {
  const errors: Error[] = []
  const { it, first, url } = await listening({ maxPayload: 1000, onError: (e) => errors.push(e) })
  try {
    const big = await openClient(url)
    const other = await openClient(url)
    big.send('accepted before')
    assert.equal(value(await within(first, 'the first message')).data, 'accepted before')
    const closed = once(big, 'close')
    big.send('x'.repeat(1001))
    const [code] = (await within(closed, 'the oversized client to be closed')) as [number]
    assert.equal(code, 1009)
    other.send('still served')
    assert.deepEqual(await take(it, 1), [{ data: 'still served', isBinary: false, client: 2 }])
    assert.equal(errors.length, 1)
    assert.match(
      errors[0]!.message,
      /^fromWebsocket: client 1 \(127\.0\.0\.1:\d+\): Max payload size exceeded .*; closed$/,
    )
    other.close()
  } finally {
    await it.return?.()
  }
})

test('fromWebsocket: toWebsocket sending a message over maxPayload rejects, naming 1009', async () => {
  const { it, first, url } = await listening({ maxPayload: 100, onError: () => undefined })
  try {
    await assert.rejects(
      within(
        pipe(['small', 'y'.repeat(200), 'after'], toWebsocket(url, { reconnect: { minDelay: 10 } })),
        'the refusal',
      ),
      new RegExp(`^Error: toWebsocket: ${url} closed the connection with 1009: it refused what was sent$`),
    )
    assert.equal(value(await first).data, 'small')
  } finally {
    await it.return?.()
  }
})

test('fromWebsocket: garbage sent to the port (not HTTP) gets 400 and goes to onError; the server goes on', async () => {
  const errors: Error[] = []
  const { it, first, port, url } = await listening({ onError: (e) => errors.push(e) })
  try {
    const raw = netConnect({ host: '127.0.0.1', port })
    await once(raw, 'connect')
    let reply = ''
    raw.on('data', (d: Buffer) => (reply += d.toString()))
    raw.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x01, 0x00, 0x00, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]))
    await within(once(raw, 'close'), 'the garbage connection to be closed')
    assert.match(reply, /^HTTP\/1\.1 400 Bad Request/)
    await until(() => errors.length === 1, 'the error report')
    assert.match(errors[0]!.message, /^fromWebsocket: a malformed request from 127\.0\.0\.1:\d+: HPE_\w+; closed$/)
    await pipe(['fine'], toWebsocket(url))
    assert.equal(value(await within(first, 'a message after the garbage')).data, 'fine')
  } finally {
    await it.return?.()
  }
})

test('fromWebsocket: a malformed frame after the handshake closes that client with 1002; the others go on', async () => {
  const errors: Error[] = []
  const { it, first, port, url } = await listening({ onError: (e) => errors.push(e) })
  try {
    const good = await openClient(url)
    // a hand-made handshake, then a frame with a reserved opcode (0x3)
    const raw = netConnect({ host: '127.0.0.1', port })
    await once(raw, 'connect')
    let reply = Buffer.alloc(0)
    raw.on('data', (d: Buffer) => (reply = Buffer.concat([reply, d])))
    raw.write(
      'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    )
    await until(() => reply.includes('\r\n\r\n'), 'the handshake reply')
    assert.match(reply.toString(), /^HTTP\/1\.1 101 /)
    raw.write(Buffer.from([0x83, 0x80, 1, 2, 3, 4]))
    await within(once(raw, 'close'), 'the malformed client to be closed')
    const close = reply.subarray(reply.indexOf('\r\n\r\n') + 4)
    assert.equal(close[0], 0x88, 'a close frame')
    assert.equal(close.readUInt16BE(2), 1002)
    await until(() => errors.length === 1, 'the error report')
    assert.match(
      errors[0]!.message,
      /^fromWebsocket: client 2 .*: Invalid WebSocket frame: invalid opcode 3 \(WS_ERR_INVALID_OPCODE\); closed$/,
    )
    good.send('unaffected')
    assert.deepEqual(value(await within(first, 'a message')), { data: 'unaffected', isBinary: false, client: 1 })
    good.close()
  } finally {
    await it.return?.()
  }
})

test('fromWebsocket: a connection that sends nothing is closed after handshakeTimeout; the others go on meanwhile', async () => {
  const errors: Error[] = []
  const { it, first, port, url } = await listening({ handshakeTimeout: '200ms', onError: (e) => errors.push(e) })
  try {
    const silent = netConnect({ host: '127.0.0.1', port })
    await once(silent, 'connect')
    const silentClosed = once(silent, 'close')
    // a WebSocket client that connects and stays quiet is not a problem either
    const quiet = await openClient(url)
    await pipe(['served while they wait'], toWebsocket(url))
    assert.equal(value(await within(first, 'a message')).data, 'served while they wait')
    await within(silentClosed, 'the silent connection to be closed')
    assert.equal(errors.length, 1)
    assert.match(
      errors[0]!.message,
      /^fromWebsocket: a connection from 127\.0\.0\.1:\d+ sent no WebSocket handshake within 200 ms; closed$/,
    )
    assert.equal(quiet.readyState, WebSocket.OPEN, 'the quiet WebSocket client is still connected')
    quiet.close()
  } finally {
    await it.return?.()
  }
})

test('fromWebsocket: a client vanishing mid-message is reported; what it sent before is kept', async () => {
  const errors: Error[] = []
  const { source, it, first, url } = await listening({ highWaterMark: 4, onError: (e) => errors.push(e) })
  try {
    const ws = await openClient(url)
    const sent = ['a', 'b', 'c']
    for (const s of sent) ws.send(s)
    await until(() => source.buffered + 1 >= sent.length, 'the messages to arrive')
    // the start of a masked 1000-byte text frame, then the connection is cut
    const socket = (ws as unknown as { _socket: import('node:net').Socket })._socket
    socket.write(Buffer.from([0x81, 0xfe, 0x03, 0xe8, 1, 2, 3, 4, 0x61, 0x62]))
    socket.destroy()
    await until(() => errors.length === 1, 'the error report')
    assert.match(errors[0]!.message, /^fromWebsocket: client 1 went away without a close frame \(1006\)$/)
    await until(() => source.clients === 0, 'the client to be let go')
    const got = [value(await first), ...(await take(it, 2))]
    assert.deepEqual(
      got.map((m) => m.data),
      sent,
    )
    await pipe(['next client'], toWebsocket(url))
    assert.equal((await take(it, 1))[0]!.data, 'next client')
  } finally {
    await it.return?.()
  }
})

test('fromWebsocket: without onError, problems are written with console.warn', async (t) => {
  const warned: unknown[] = []
  t.mock.method(console, 'warn', (...args: unknown[]) => warned.push(args[0]))
  const { it, first, url } = await listening({ maxPayload: 10 })
  try {
    const ws = await openClient(url)
    ws.send('way over ten bytes')
    await within(once(ws, 'close'), 'the close')
    await until(() => warned.length === 1, 'the warning')
    assert.match(String(warned[0]), /^fromWebsocket: client 1 .*Max payload size exceeded/)
  } finally {
    first.catch(() => undefined)
    await it.return?.()
  }
})

// ---- toWebsocket: reconnection and clear failures

/** A plain ws server on `port` (0: a free one) recording the text it receives. */
async function recorder(
  port = 0,
): Promise<{ wss: WebSocketServer; port: number; got: string[]; stop(code?: number): Promise<void> }> {
  const wss = new WebSocketServer({ port, host: '127.0.0.1' })
  await once(wss, 'listening')
  const got: string[] = []
  wss.on('connection', (ws) => ws.on('message', (d: Buffer) => got.push(d.toString())))
  return {
    wss,
    port: (wss.address() as { port: number }).port,
    got,
    async stop(code = 1001) {
      const closing = [...wss.clients].map((ws) => {
        ws.close(code, 'going away')
        return once(ws, 'close')
      })
      await Promise.all(closing)
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}

test('toWebsocket reconnects with backoff when the server goes away and comes back; nothing is lost', async () => {
  const first = await recorder()
  const port = first.port
  const N = 200
  let second: Awaited<ReturnType<typeof recorder>> | undefined
  async function* produce() {
    for (let i = 0; i < N; i++) {
      if (i === N / 2) {
        await first.stop()
        // the sink finds the server gone, and retries until it is back
        setTimeout(() => void recorder(port).then((r) => (second = r)), 150)
      }
      yield String(i)
    }
  }
  try {
    await within(
      pipe(produce(), toWebsocket(`ws://127.0.0.1:${port}`, { reconnect: { minDelay: 20, maxDelay: 100 } })),
      'the sends',
    )
    await until(() => (second?.got.length ?? 0) >= N / 2, 'the second half')
    const all = [...first.got, ...second!.got]
    assert.deepEqual(
      [...new Set(all)].map(Number).sort((a, b) => a - b),
      Array.from({ length: N }, (_, i) => i),
    )
  } finally {
    await second?.stop()
  }
})

test('toWebsocket: no server at the url fails after the retries, naming the url and the cause', async () => {
  const gone = await recorder()
  const url = `ws://127.0.0.1:${gone.port}`
  await gone.stop()
  const start = Date.now()
  await assert.rejects(
    within(pipe(['x'], toWebsocket(url, { reconnect: { retries: 3, minDelay: 10 } })), 'the failure'),
    (e: Error) =>
      e.message.startsWith(`toWebsocket: cannot connect to ${url} (4 attempts): `) && /ECONNREFUSED/.test(e.message),
  )
  assert.ok(Date.now() - start >= 10 + 20 + 40, 'it waited between attempts')
})

test('toWebsocket: a server gone for good mid-stream fails the sink after the retries, naming the url', async () => {
  const server = await recorder()
  const url = `ws://127.0.0.1:${server.port}`
  async function* produce() {
    yield 'one'
    await server.stop()
    yield 'two'
  }
  await assert.rejects(
    within(pipe(produce(), toWebsocket(url, { reconnect: { retries: 2, minDelay: 10 } })), 'the failure'),
    (e: Error) => e.message.startsWith(`toWebsocket: cannot connect to ${url} (3 attempts): `),
  )
  assert.deepEqual(server.got, ['one'])
})

test('fromWebsocket and toWebsocket check their arguments', () => {
  assert.throws(() => fromWebsocket(undefined as never), /fromWebsocket: options must be an object with a port/)
  assert.throws(() => fromWebsocket({ port: -1 }), /fromWebsocket: port must be a non-negative integer, got -1/)
  assert.throws(() => fromWebsocket({ port: 70000 }), /fromWebsocket: port must be at most 65535/)
  assert.throws(() => fromWebsocket({ port: 0, path: 'x' }), /fromWebsocket: path must be a string starting with '\/'/)
  assert.throws(
    () => fromWebsocket({ port: 0, highWaterMark: 0 }),
    /fromWebsocket: highWaterMark must be a positive integer/,
  )
  assert.throws(
    () => fromWebsocket({ port: 0, handshakeTimeout: 'soon' }),
    /fromWebsocket: handshakeTimeout must be a duration/,
  )
  assert.throws(() => toWebsocket('http://x'), /toWebsocket: url must be a ws:\/\/ or wss:\/\/ url, got "http:\/\/x"/)
  assert.throws(
    () => toWebsocket('ws://x', { reconnect: { factor: 0.5 } }),
    /toWebsocket: reconnect.factor must be a number ≥ 1/,
  )
  assert.throws(() => toWebsocket('ws://x', { reconnect: { retries: -1 } }), /toWebsocket: reconnect.retries must be/)
})

test('toWebsocket: an abort ends the sink even while the source is silent', async () => {
  const { it, url } = await listening()
  try {
    const ac = new AbortController()
    const silent = (async function* () {
      yield 'x'
      await new Promise(() => undefined) // never yields again
    })()
    const done = pipe(silent, toWebsocket(url, { signal: ac.signal }))
    await new Promise<void>((r) => setTimeout(r, 50))
    const reason = new Error('stop now')
    ac.abort(reason)
    await assert.rejects(within(done, 'the abort'), (e) => e === reason)
  } finally {
    await it.return?.()
  }
})

test('fromWebsocket: a failed handshake gets 400 and goes to onError; plain HTTP gets 426', async () => {
  const errors: Error[] = []
  const { it, first, port, url } = await listening({ onError: (e) => errors.push(e) })
  try {
    const ask = async (request: string): Promise<string> => {
      const raw = netConnect({ host: '127.0.0.1', port })
      await once(raw, 'connect')
      let reply = ''
      raw.on('data', (d: Buffer) => (reply += d.toString()))
      raw.write(request)
      await within(once(raw, 'close'), 'the reply')
      return reply
    }
    const noKey = await ask('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n')
    assert.match(noKey, /^HTTP\/1\.1 400 Bad Request/)
    await until(() => errors.length === 1, 'the error report')
    assert.match(
      errors[0]!.message,
      /^fromWebsocket: a failed WebSocket handshake from 127\.0\.0\.1: Missing or invalid Sec-WebSocket-Key header$/,
    )
    const plain = await ask('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    assert.match(plain, /^HTTP\/1\.1 426 Upgrade Required/)
    await pipe(['after'], toWebsocket(url))
    assert.equal(value(await within(first, 'a message')).data, 'after')
  } finally {
    await it.return?.()
  }
})

test('fromWebsocket: an onError that throws fails the stream with what it threw, and closes the server', async () => {
  const boom = new Error('onError gave up')
  const { it, first, port, url } = await listening({
    maxPayload: 10,
    onError: () => {
      throw boom
    },
  })
  const ws = await openClient(url)
  ws.send('more than ten bytes')
  await assert.rejects(within(first, 'the failure'), (e) => e === boom)
  assert.deepEqual(await it.next(), { value: undefined, done: true })
  await it.return?.() // resolves once the server has closed
  assert.ok(await portFree(port))
})

test('fromWebsocket: back pressure with tiny messages: what waits is bounded by one socket read per client', async (t) => {
  const { source, it, first, url } = await listening({ highWaterMark: 8 })
  try {
    const ws = await openClient(url)
    const N = 50_000
    for (let i = 0; i < N; i++) ws.send(String(i))
    value(await within(first, 'the first message'))
    await until(() => source.buffered >= 8, 'the buffer to fill')
    await new Promise<void>((r) => setTimeout(r, 300))
    const buffered = source.buffered
    // a client frame is at least 6 bytes (header + mask): one 64 KiB read holds at most ~11,000
    assert.ok(buffered <= 8 + Math.ceil(65536 / 6), `${buffered} messages buffered`)
    await new Promise<void>((r) => setTimeout(r, 300))
    assert.equal(source.buffered, buffered, 'nothing more is read while the pipeline takes nothing')
    t.diagnostic(`${buffered} messages buffered of ${N} sent (highWaterMark 8)`)
    const drain = async (): Promise<number> => {
      let n = 1
      while (n < N && (await it.next()).done !== true) n++
      return n
    }
    assert.equal(await within(drain(), 'the rest', 20_000), N)
    ws.close()
  } finally {
    await it.return?.()
  }
})
