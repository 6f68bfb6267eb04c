import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { fromHttpServer, type HttpClientError } from '../../src/sources/http/index.js'
import { portIsFree, post, rawClient, until } from './helpers.js'

function errors(): { list: HttpClientError[]; onError: (e: HttpClientError) => void } {
  const list: HttpClientError[] = []
  return { list, onError: (e) => list.push(e) }
}

test('fromHttpServer: each POST body is an element, answered 202 once taken', async () => {
  let announced = 0
  const source = fromHttpServer({ port: 0, host: '127.0.0.1', onListening: (a) => (announced = a.port) })
  const it = source[Symbol.asyncIterator]()
  const first = it.next()
  const { port } = await source.listening
  assert.ok(port > 0)
  assert.equal(announced, port)
  const reply = await post(port, 'hello')
  assert.equal(reply.status, 202)
  const r = await first
  assert.ok(Buffer.isBuffer(r.value))
  assert.equal(String(r.value), 'hello')
  const second = post(port, Buffer.from([0, 1, 2]))
  const v = await it.next()
  assert.deepEqual([...(v.value as Buffer)], [0, 1, 2])
  assert.equal((await second).status, 202)
  await it.return?.()
  assert.equal(await portIsFree(port), true)
})

test('fromHttpServer: the 202 waits until the pipeline takes the body; 503 with Retry-After when full', async () => {
  const source = fromHttpServer({ port: 0, host: '127.0.0.1', parse: 'text', highWaterMark: 1, retryAfter: 7 })
  const it = source[Symbol.asyncIterator]()
  void it.next().then(() => undefined) // starts the server; takes 'a'
  const { port } = await source.listening
  assert.equal((await post(port, 'a')).status, 202)
  // 'b' and 'c' race: whichever the server gets first waits in the queue (highWaterMark 1),
  // so the other finds the pipeline full
  const answered = new Set<string>()
  const send = (x: string) =>
    post(port, x).then((r) => {
      answered.add(x)
      return { x, ...r }
    })
  const b = send('b')
  const c = send('c')
  const turnedAway = await Promise.race([b, c])
  assert.equal(turnedAway.status, 503)
  assert.equal(turnedAway.headers['retry-after'], '7')
  const queued = turnedAway.x === 'b' ? 'c' : 'b'
  assert.equal(answered.has(queued), false, 'the queued body must not be answered before it is taken')
  assert.deepEqual(await it.next(), { value: queued, done: false })
  assert.equal((await (queued === 'b' ? b : c)).status, 202)
  await it.return?.()
})

test('fromHttpServer: 413 above maxBodySize, by Content-Length and while reading a chunked body', async () => {
  const e = errors()
  const source = fromHttpServer({ port: 0, host: '127.0.0.1', maxBodySize: 10, parse: 'text', onError: e.onError })
  const it = source[Symbol.asyncIterator]()
  const taken = it.next()
  const { port } = await source.listening
  assert.equal((await post(port, '01234567890')).status, 413)
  // chunked: the server answers as soon as the limit is crossed, not after the whole body
  const c = await rawClient(port)
  c.socket.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n')
  c.socket.write('8\r\n01234567\r\n8\r\n01234567\r\n')
  await until(() => c.received().includes('\r\n\r\n'), 5000, 'the 413')
  assert.match(c.received(), /^HTTP\/1\.1 413 /)
  await c.closed // the connection is closed: the rest of the body is never read
  assert.deepEqual(
    e.list.map((x) => x.code),
    ['ERR_BODY_TOO_LARGE', 'ERR_BODY_TOO_LARGE'],
  )
  // a body of exactly maxBodySize is fine, and the server goes on
  assert.equal((await post(port, '0123456789')).status, 202)
  assert.deepEqual(await taken, { value: '0123456789', done: false })
  await it.return?.()
})

test('fromHttpServer: 400 with the message when parse rejects the body', async () => {
  const e = errors()
  const source = fromHttpServer<{ n: number }>({ port: 0, host: '127.0.0.1', parse: 'json', onError: e.onError })
  const it = source[Symbol.asyncIterator]()
  const taken = it.next()
  const { port } = await source.listening
  const bad = await post(port, '{not json')
  assert.equal(bad.status, 400)
  assert.match(bad.body, /JSON/)
  assert.equal(e.list[0]?.code, 'ERR_BODY_PARSE')
  assert.equal((await post(port, '{"n":1}')).status, 202)
  assert.deepEqual((await taken).value, { n: 1 })
  await it.return?.()

  const custom = fromHttpServer({
    port: 0,
    host: '127.0.0.1',
    onError: () => undefined,
    parse: async (body) => {
      await Promise.resolve()
      const n = Number(String(body))
      if (!Number.isInteger(n)) throw new Error('not an integer')
      return n
    },
  })
  const it2 = custom[Symbol.asyncIterator]()
  const v = it2.next()
  const p2 = (await custom.listening).port
  const r = await post(p2, '1.5')
  assert.deepEqual([r.status, r.body], [400, 'not an integer\n'])
  assert.equal((await post(p2, '42')).status, 202)
  assert.equal((await v).value, 42)
  await it2.return?.()
})

test('fromHttpServer: 401 without the bearer token, 404 on other paths, 405 for other methods', async () => {
  const source = fromHttpServer({ port: 0, host: '127.0.0.1', path: '/in', token: 's3cret', parse: 'text' })
  const it = source[Symbol.asyncIterator]()
  const taken = it.next()
  const { port } = await source.listening
  const auth = { authorization: 'Bearer s3cret' }
  const noToken = await post(port, 'x', { path: '/in' })
  assert.equal(noToken.status, 401)
  assert.equal(noToken.headers['www-authenticate'], 'Bearer')
  assert.equal((await post(port, 'x', { path: '/in', headers: { authorization: 'Bearer wrong' } })).status, 401)
  assert.equal((await post(port, 'x', { path: '/other', headers: auth })).status, 404)
  const get = await post(port, '', { path: '/in', method: 'GET', headers: auth })
  assert.equal(get.status, 405)
  assert.equal(get.headers.allow, 'POST')
  assert.equal((await post(port, 'ok', { path: '/in?x=1', headers: auth })).status, 202)
  assert.equal((await taken).value, 'ok')
  await it.return?.()
})

test('fromHttpServer: break closes the server and frees the port', async () => {
  const source = fromHttpServer({ port: 0, host: '127.0.0.1', parse: 'text' })
  const got: string[] = []
  const replies: Promise<number>[] = []
  void source.listening.then(({ port }) => {
    replies.push(post(port, 'a').then((r) => r.status))
  })
  for await (const x of source) {
    got.push(x)
    const { port } = await source.listening
    if (got.length === 2) break
    replies.push(post(port, 'b').then((r) => r.status))
  }
  const { port } = await source.listening
  assert.deepEqual(got, ['a', 'b'])
  assert.deepEqual(await Promise.all(replies), [202, 202])
  assert.equal(await portIsFree(port), true)
  await assert.rejects(post(port, 'late'), { code: 'ECONNREFUSED' })
})

test('fromHttpServer: bodies still waiting when the consumer stops get 503, not 202', async () => {
  const source = fromHttpServer({ port: 0, host: '127.0.0.1', parse: 'text', highWaterMark: 1 })
  const it = source[Symbol.asyncIterator]()
  const first = it.next()
  const { port } = await source.listening
  assert.equal((await post(port, 'one')).status, 202)
  assert.equal((await first).value, 'one')
  // one of the two waits in the queue, the other is turned away at once (highWaterMark 1)
  const two = [post(port, 'two'), post(port, 'three')]
  assert.equal((await Promise.race(two)).status, 503)
  await it.return?.()
  assert.deepEqual(
    (await Promise.all(two)).map((r) => r.status),
    [503, 503],
  )
  assert.deepEqual(await it.next(), { value: undefined, done: true })
  assert.equal(await portIsFree(port), true)
})

test('fromHttpServer: an abort rejects the pending next() with the reason and frees the port', async () => {
  const ac = new AbortController()
  const source = fromHttpServer({ port: 0, host: '127.0.0.1', signal: ac.signal })
  const it = source[Symbol.asyncIterator]()
  const pending = it.next()
  const { port } = await source.listening
  const reason = new Error('shutting down')
  ac.abort(reason)
  await assert.rejects(pending, reason)
  await assert.rejects(it.next(), reason)
  await it.return?.()
  assert.equal(await portIsFree(port), true)
})

test('fromHttpServer: a port in use fails the first next() and the listening promise', async () => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  const { port } = blocker.address() as { port: number }
  try {
    const source = fromHttpServer({ port, host: '127.0.0.1' })
    const it = source[Symbol.asyncIterator]()
    await assert.rejects(it.next(), /EADDRINUSE/)
    await assert.rejects(source.listening, { code: 'EADDRINUSE' })
    await it.return?.()
  } finally {
    await new Promise<void>((resolve) => blocker.close(() => resolve()))
  }
})

test('fromHttpServer: bad input is answered and reported, the server keeps serving, nothing accepted is lost', async () => {
  const e = errors()
  const source = fromHttpServer({
    port: 0,
    host: '127.0.0.1',
    parse: 'text',
    headersTimeout: 150,
    requestTimeout: 300,
    onError: e.onError,
  })
  const it = source[Symbol.asyncIterator]()
  const got: string[] = []
  const collect = (async () => {
    for (let r = await it.next(); r.done !== true; r = await it.next()) got.push(r.value)
  })()
  const { port } = await source.listening
  assert.equal((await post(port, 'before')).status, 202)

  // garbage bytes: 400 and the connection is closed
  const garbage = await rawClient(port)
  garbage.socket.write(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a]))
  await garbage.closed
  assert.match(garbage.received(), /^HTTP\/1\.1 400 /)
  assert.equal(e.list.at(-1)?.code, 'ERR_MALFORMED_REQUEST')
  assert.equal((await post(port, 'after garbage')).status, 202)

  // a client that connects and sends nothing: closed after headersTimeout, reported
  const silent = await rawClient(port)
  await silent.closed
  assert.equal(e.list.at(-1)?.code, 'ERR_REQUEST_TIMEOUT')
  assert.equal((await post(port, 'after silence')).status, 202)

  // a client that sends half of its body and vanishes: nothing emitted, reported
  const vanishing = await rawClient(port)
  vanishing.socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n')
  await until(() => vanishing.received().startsWith('HTTP/1.1 100 Continue'), 5000, '100 Continue')
  vanishing.socket.write('half of a bo')
  vanishing.socket.destroy()
  await until(() => e.list.some((x) => x.code === 'ERR_BODY_ABORTED'), 5000, 'ERR_BODY_ABORTED')
  assert.equal((await post(port, 'after vanishing')).status, 202)

  // a client that sends part of its body and stalls: requestTimeout closes it, reported
  const stalling = await rawClient(port)
  stalling.socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nstalled')
  await stalling.closed
  assert.match(stalling.received(), /^HTTP\/1\.1 408 |^$/)
  await until(() => e.list.filter((x) => x.code === 'ERR_REQUEST_TIMEOUT').length >= 2, 5000, 'a second timeout')
  assert.equal((await post(port, 'after stall')).status, 202)

  await it.return?.()
  await collect
  assert.deepEqual(got, ['before', 'after garbage', 'after silence', 'after vanishing', 'after stall'])
  for (const x of e.list) assert.match(x.message, /^fromHttpServer: /)
  assert.equal(await portIsFree(port), true)
})

test('fromHttpServer: with Expect: 100-continue, a request refused on its headers is answered before its body is sent', async () => {
  const e = errors()
  const source = fromHttpServer({ port: 0, host: '127.0.0.1', maxBodySize: 10, parse: 'text', onError: e.onError })
  const it = source[Symbol.asyncIterator]()
  const first = it.next()
  const { port } = await source.listening
  const big = await rawClient(port)
  big.socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n')
  await big.closed
  assert.match(big.received(), /^HTTP\/1\.1 413 /)
  assert.doesNotMatch(big.received(), /100 Continue/)
  assert.equal(e.list[0]?.code, 'ERR_BODY_TOO_LARGE')
  const ok = await rawClient(port)
  ok.socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n')
  await until(() => ok.received().startsWith('HTTP/1.1 100 Continue'), 5000, '100 Continue')
  ok.socket.write('hello')
  assert.deepEqual(await first, { value: 'hello', done: false })
  await until(() => ok.received().includes('HTTP/1.1 202 Accepted'), 5000, 'the 202')
  ok.socket.destroy()
  await it.return?.()
})

test('fromHttpServer: a body whose client went away while it waited is dropped, not emitted, and reported', async () => {
  const e = errors()
  const source = fromHttpServer({ port: 0, host: '127.0.0.1', parse: 'text', onError: e.onError })
  const it = source[Symbol.asyncIterator]()
  const first = it.next()
  const { port } = await source.listening
  assert.equal((await post(port, 'kept')).status, 202)
  assert.equal((await first).value, 'kept')
  const gone = await rawClient(port)
  gone.socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\ngone')
  await until(() => source.buffered === 1, 5000, 'the body to wait')
  gone.socket.destroy()
  await until(() => e.list.length === 1, 5000, 'the report')
  assert.equal(e.list[0]?.code, 'ERR_BODY_ABORTED')
  assert.match(e.list[0]?.message ?? '', /went away before its body was taken; dropped/)
  const next = post(port, 'next')
  assert.deepEqual(await it.next(), { value: 'next', done: false })
  assert.equal((await next).status, 202)
  await it.return?.()
})

test('fromHttpServer: arguments are checked at construction', () => {
  assert.throws(() => fromHttpServer({ port: -1 }), RangeError)
  assert.throws(() => fromHttpServer({ port: 70000 }), /port must be at most 65535/)
  assert.throws(() => fromHttpServer({ port: 0, path: 'x' }), /path must be a string starting with '\/'/)
  assert.throws(() => fromHttpServer({ port: 0, maxBodySize: 1.5 }), RangeError)
  // @ts-expect-error: not a parse mode
  assert.throws(() => fromHttpServer({ port: 0, parse: 'xml' }), TypeError)
  assert.throws(() => fromHttpServer({ port: 0, token: '' }), /token must be a non-empty string/)
  assert.throws(() => fromHttpServer({ port: 0, headersTimeout: 'soon' }), RangeError)
  assert.throws(
    () => fromHttpServer({ port: 0, headersTimeout: '2s', requestTimeout: '1s' }),
    /headersTimeout must be at most requestTimeout \(1000 ms\)/,
  )
  const source = fromHttpServer({ port: 0 })
  source[Symbol.asyncIterator]()
  assert.throws(() => source[Symbol.asyncIterator](), /one pipeline only/)
})
