import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { fromTcp, type TcpClientError } from '../../src/sources/net/index.js'
import { portIsFree, rawClient, until } from '../http/helpers.js'

function errors(): { list: TcpClientError[]; onError: (e: TcpClientError) => void; codes: () => string[] } {
  const list: TcpClientError[] = []
  return { list, onError: (e) => list.push(e), codes: () => list.map((e) => e.code) }
}

/** Pull `n` elements from `it`. */
async function take<T>(it: AsyncIterator<T>, n: number): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < n; i++) {
    const r = await it.next()
    if (r.done === true) break
    out.push(r.value)
  }
  return out
}

test('fromTcp: every delimited message from any connection is an element, without its delimiter', async () => {
  let announced = 0
  const source = fromTcp({ port: 0, host: '127.0.0.1', onListening: (a) => (announced = a.port) })
  const it = source[Symbol.asyncIterator]()
  const first = it.next()
  const { port } = await source.listening
  assert.equal(announced, port)
  const a = await rawClient(port)
  const b = await rawClient(port)
  a.socket.write('a1\na')
  assert.deepEqual(await first, { value: 'a1', done: false })
  a.socket.write('2\n')
  assert.deepEqual(await take(it, 1), ['a2'])
  b.socket.write('b1\nb2\n')
  assert.deepEqual(await take(it, 2), ['b1', 'b2'])
  // a multi-byte character split across two writes
  const snow = Buffer.from('☃\n')
  a.socket.write(snow.subarray(0, 1))
  await until(() => source.connections === 2)
  a.socket.write(snow.subarray(1))
  assert.deepEqual(await take(it, 1), ['☃'])
  assert.equal(source.connections, 2)
  await it.return?.()
  await Promise.all([a.closed, b.closed]) // the server closed the connections
  assert.equal(await portIsFree(port), true)
})

test("fromTcp: a custom delimiter and encoding: 'buffer'", async () => {
  const source = fromTcp({ port: 0, host: '127.0.0.1', delimiter: '\r\n', encoding: 'buffer' })
  const it = source[Symbol.asyncIterator]()
  const first = it.next()
  const c = await rawClient((await source.listening).port)
  c.socket.write(Buffer.from([1, 2, 0x0d, 0x0a, 0x0a, 3, 0x0d]))
  c.socket.write(Buffer.from([0x0a]))
  const r = await first
  assert.ok(Buffer.isBuffer(r.value))
  assert.deepEqual([...r.value], [1, 2])
  assert.deepEqual([...((await it.next()).value as Buffer)], [0x0a, 3])
  await it.return?.()

  // as Streamz: bytes that keep their delimiter
  const streamzLike = fromTcp({ port: 0, host: '127.0.0.1', encoding: 'buffer', keepDelimiter: true })
  const it2 = streamzLike[Symbol.asyncIterator]()
  const next = it2.next()
  const c2 = await rawClient((await streamzLike.listening).port)
  c2.socket.write('a\nbc\n')
  assert.equal(String((await next).value), 'a\n')
  assert.equal(String((await it2.next()).value), 'bc\n')
  await it2.return?.()
})

test('fromTcp: a message over maxMessageSize closes that connection, reported; the others go on', async () => {
  const e = errors()
  const source = fromTcp({ port: 0, host: '127.0.0.1', maxMessageSize: 10, onError: e.onError })
  const it = source[Symbol.asyncIterator]()
  const first = it.next()
  const { port } = await source.listening
  const bad = await rawClient(port)
  const good = await rawClient(port)
  bad.socket.write('fine\n0123456789') // 10 bytes so far: still allowed
  assert.deepEqual(await first, { value: 'fine', done: false })
  bad.socket.write('X') // 11 bytes and no delimiter yet: too large
  await bad.closed
  assert.deepEqual(e.codes(), ['ERR_MESSAGE_TOO_LARGE'])
  await until(() => source.connections === 1, 5000, 'one connection left')
  assert.match(e.list[0]?.message ?? '', /^fromTcp: a message above maxMessageSize \(10 bytes\); connection closed$/)
  assert.equal(e.list[0]?.remoteAddress, '127.0.0.1')
  good.socket.write('0123456789\n')
  assert.deepEqual(await take(it, 1), ['0123456789'])
  // a long message with its delimiter in the same chunk is refused too
  const bad2 = await rawClient(port)
  bad2.socket.write('01234567890123\nafter\n')
  await bad2.closed
  assert.deepEqual(e.codes(), ['ERR_MESSAGE_TOO_LARGE', 'ERR_MESSAGE_TOO_LARGE'])
  good.socket.write('still here\n')
  assert.deepEqual(await take(it, 1), ['still here'])
  await it.return?.()
})

test('fromTcp: back pressure: a slow pipeline pauses the sockets instead of buffering without bound', async () => {
  const source = fromTcp({ port: 0, host: '127.0.0.1', highWaterMark: 4 })
  const it = source[Symbol.asyncIterator]()
  const first = it.next()
  const c = await rawClient((await source.listening).port)
  const lines = 100_000 // 10 MB, more than the socket buffers take
  const pad = 'x'.repeat(88)
  const line = (i: number) => `line ${String(i).padStart(6, '0')}${pad}`
  // the client writes 1000 lines at a time, waiting for 'drain' as a well-behaved writer does;
  // `written` counts the bytes the kernel has taken
  let written = 0
  let total = 0
  const sent = (async () => {
    for (let i = 0; i < lines; i += 1000) {
      const buf = Buffer.from(Array.from({ length: 1000 }, (_, j) => line(i + j) + '\n').join(''))
      total += buf.length
      if (!c.socket.write(buf, () => (written += buf.length)))
        await new Promise((resolve) => c.socket.once('drain', resolve))
    }
  })()
  assert.equal((await first).value, line(0))
  // nobody pulls: once the server pauses, the kernel buffers fill and the client stops making
  // progress; without the pause the server would read everything and `written` would reach 10 MB
  let last = -1
  let steady = 0
  await until(
    () => {
      steady = written === last && source.paused ? steady + 1 : 0
      last = written
      return steady >= 25
    },
    10_000,
    'the client to be held back',
  )
  assert.ok(written < lines * 100, `held back only after ${written} of ${lines * 100} bytes`)
  assert.ok(source.buffered <= 4, `buffered ${source.buffered}`)
  // now pull everything: nothing was lost, order kept
  let n = 1
  let ok = true
  while (n < lines) {
    const r = await it.next()
    if (r.value !== line(n)) ok = false
    n++
    assert.ok(source.buffered <= 4)
  }
  assert.ok(ok, 'every line, in order')
  await sent
  assert.equal(written, total)
  await it.return?.()
})

test('fromTcp: a trailing message without delimiter is dropped and reported, or emitted with emitPartial', async () => {
  for (const emitPartial of [false, true]) {
    const e = errors()
    const source = fromTcp({ port: 0, host: '127.0.0.1', emitPartial, onError: e.onError })
    const it = source[Symbol.asyncIterator]()
    const first = it.next()
    const { port } = await source.listening
    const c = await rawClient(port)
    c.socket.end('whole\nhalf')
    assert.deepEqual(await first, { value: 'whole', done: false })
    await c.closed
    if (emitPartial) {
      assert.deepEqual(await take(it, 1), ['half'])
      assert.deepEqual(e.codes(), [])
    } else {
      await until(() => e.list.length === 1)
      assert.deepEqual(e.codes(), ['ERR_PARTIAL_MESSAGE'])
      assert.match(e.list[0]?.message ?? '', /4 bytes dropped/)
    }
    await it.return?.()
  }
})

test('fromTcp: bad clients (silent, reset mid-message, garbage) are closed and reported; the server keeps serving', async () => {
  const e = errors()
  const source = fromTcp({
    port: 0,
    host: '127.0.0.1',
    idleTimeout: 250,
    maxMessageSize: 64,
    emitPartial: true,
    onError: e.onError,
  })
  const it = source[Symbol.asyncIterator]()
  const got: string[] = []
  const collecting = (async () => {
    for (let r = await it.next(); r.done !== true; r = await it.next()) got.push(r.value)
  })()
  const { port } = await source.listening
  const before = await rawClient(port)
  before.socket.end('before\n')
  await before.closed

  // connects and sends nothing: closed after idleTimeout
  const silent = await rawClient(port)
  await silent.closed
  assert.deepEqual(e.codes(), ['ERR_IDLE_TIMEOUT'])

  // vanishes mid-message with a reset: its complete message is kept, the partial one dropped
  const vanishing = await rawClient(port)
  vanishing.socket.write('complete\nhalf of a mess')
  await until(() => got.includes('complete'), 5000, "'complete'")
  vanishing.socket.resetAndDestroy()
  await until(() => e.list.length === 3, 5000, 'two more reports')
  assert.deepEqual(e.codes().slice(1).sort(), ['ERR_CONNECTION', 'ERR_PARTIAL_MESSAGE'])

  // garbage: bytes with no delimiter, past the size limit
  const garbage = await rawClient(port)
  garbage.socket.write(Buffer.alloc(100, 0xff))
  await garbage.closed
  assert.equal(e.codes().at(-1), 'ERR_MESSAGE_TOO_LARGE')

  const after = await rawClient(port)
  after.socket.end('after\n')
  await until(() => got.includes('after'), 5000, "'after'")
  await it.return?.()
  await collecting
  assert.deepEqual(got, ['before', 'complete', 'after'])
  for (const x of e.list) assert.match(x.message, /^fromTcp: /)
  assert.equal(await portIsFree(port), true)
})

test('fromTcp: break and abort close the server and free the port', async () => {
  const source = fromTcp({ port: 0, host: '127.0.0.1' })
  void source.listening.then(async ({ port }) => (await rawClient(port)).socket.write('x\ny\nz\n'))
  const got: string[] = []
  for await (const line of source) {
    got.push(line)
    if (got.length === 2) break
  }
  assert.deepEqual(got, ['x', 'y'])
  assert.equal(await portIsFree((await source.listening).port), true)

  const ac = new AbortController()
  const s2 = fromTcp({ port: 0, host: '127.0.0.1', signal: ac.signal })
  const it = s2[Symbol.asyncIterator]()
  const pending = it.next()
  const { port } = await s2.listening
  const c = await rawClient(port)
  const reason = new Error('stop')
  ac.abort(reason)
  await assert.rejects(pending, reason)
  await c.closed
  await it.return?.()
  assert.equal(await portIsFree(port), true)
})

test('fromTcp: a port in use fails the first next(); arguments are checked at construction', async () => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  const { port } = blocker.address() as { port: number }
  try {
    const it = fromTcp({ port, host: '127.0.0.1' })[Symbol.asyncIterator]()
    await assert.rejects(it.next(), /EADDRINUSE/)
    await it.return?.()
  } finally {
    await new Promise<void>((resolve) => blocker.close(() => resolve()))
  }
  assert.throws(() => fromTcp({ port: -1 }), RangeError)
  assert.throws(() => fromTcp({ port: 0, delimiter: '' }), /delimiter must be a non-empty string or Uint8Array/)
  assert.throws(() => fromTcp({ port: 0, maxMessageSize: 0 }), RangeError)
  // @ts-expect-error: not a boolean
  assert.throws(() => fromTcp({ port: 0, keepDelimiter: 'yes' }), /keepDelimiter must be a boolean/)
  // @ts-expect-error: not an encoding
  assert.throws(() => fromTcp({ port: 0, encoding: 'klingon' }), /encoding must be a Node encoding or 'buffer'/)
  assert.throws(() => fromTcp({ port: 0, idleTimeout: 'never' }), RangeError)
})
