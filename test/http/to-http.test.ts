import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { toHttp, HttpRequestError } from '../../src/sources/http/index.js'
import { pipe } from '../../src/index.js'
import { FakeClock } from '../../src/internal/clock.js'
import { tracked } from '../helpers.js'
import { portIsFree, until } from './helpers.js'

interface Seen {
  method: string
  url: string
  type: string | undefined
  auth: string | undefined
  body: string
}

/** A real node:http server; `respond` decides each answer (the n-th request, from 1). */
async function server(
  respond: (req: IncomingMessage, res: ServerResponse, n: number, body: string) => void = (_q, res) => res.end(),
) {
  const seen: Seen[] = []
  const s = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => (body += c))
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        type: req.headers['content-type'],
        auth: req.headers.authorization,
        body,
      })
      respond(req, res, seen.length, body)
    })
  })
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const { port } = s.address() as AddressInfo
  return {
    seen,
    url: `http://127.0.0.1:${port}/in`,
    port,
    close: () => {
      s.closeAllConnections()
      return new Promise<void>((resolve) => s.close(() => resolve()))
    },
  }
}

test('toHttp: strings and bytes as they are, objects as JSON, in order, with the headers and method', async () => {
  const srv = await server()
  try {
    await pipe(
      ['plain', Buffer.from('bytes'), { a: 1 }, [1, 2]] as unknown[],
      toHttp(srv.url, { method: 'put', headers: { authorization: 'Bearer t' } }),
    )
    assert.deepEqual(
      srv.seen.map((s) => [s.method, s.url, s.type, s.auth, s.body]),
      [
        ['PUT', '/in', 'text/plain; charset=utf-8', 'Bearer t', 'plain'],
        ['PUT', '/in', 'application/octet-stream', 'Bearer t', 'bytes'],
        ['PUT', '/in', 'application/json', 'Bearer t', '{"a":1}'],
        ['PUT', '/in', 'application/json', 'Bearer t', '[1,2]'],
      ],
    )
    await pipe(
      [1, 2],
      toHttp(srv.url, {
        serialize: (n: number) => `n=${n}`,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }),
    )
    assert.deepEqual(
      srv.seen.slice(4).map((s) => [s.type, s.body]),
      [
        ['application/x-www-form-urlencoded', 'n=1'],
        ['application/x-www-form-urlencoded', 'n=2'],
      ],
    )
  } finally {
    await srv.close()
  }
})

test('toHttp: at most `concurrency` requests in flight', async () => {
  let open = 0
  let most = 0
  const held: ServerResponse[] = []
  const srv = await server((_req, res) => {
    open++
    most = Math.max(most, open)
    held.push(res)
    res.on('finish', () => open--)
  })
  try {
    const done = pipe(
      Array.from({ length: 10 }, (_, i) => i),
      toHttp(srv.url, { concurrency: 3 }),
    )
    // release the held responses a few at a time, once three are waiting each time
    for (let released = 0; released < 10;) {
      await until(() => held.length === Math.min(3, 10 - released), 5000, 'three requests in flight')
      const batch = held.splice(0)
      for (const res of batch) res.end()
      released += batch.length
    }
    await done
    assert.equal(most, 3)
    assert.deepEqual(
      srv.seen.map((s) => Number(s.body)).sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    )
  } finally {
    await srv.close()
  }
})

test('toHttp: 5xx, 408, 429 and dropped connections are retried with backoff', async () => {
  const srv = await server((req, res, n) => {
    if (n === 1) return void res.writeHead(500).end('oops')
    if (n === 2) return void res.writeHead(408).end()
    if (n === 3) return void res.writeHead(429).end()
    if (n === 4) return void req.socket.destroy() // the connection drops before any response
    res.writeHead(201).end()
  })
  try {
    await pipe(['x'], toHttp(srv.url, { retries: 4, retryDelay: 1 }))
    assert.deepEqual(
      srv.seen.map((s) => s.body),
      ['x', 'x', 'x', 'x', 'x'],
    )
  } finally {
    await srv.close()
  }
})

test('toHttp: Retry-After on a 503 sets the wait, and exponential backoff otherwise (fake clock)', async () => {
  const srv = await server((_req, res, n) => {
    if (n === 1) return void res.writeHead(503, { 'retry-after': '2' }).end()
    if (n === 2) return void res.writeHead(502).end()
    res.end()
  })
  const clock = new FakeClock()
  try {
    const done = pipe(['x'], toHttp(srv.url, { retries: 3, retryDelay: 100, clock }))
    await until(() => clock.pending === 1, 5000, 'the first wait')
    await clock.advance(1999)
    assert.equal(clock.pending, 1, 'Retry-After: 2 means 2000 ms')
    assert.equal(srv.seen.length, 1)
    await clock.advance(1)
    await until(() => clock.pending === 1 && srv.seen.length === 2, 5000, 'the second wait')
    // second retry: retryDelay * 2
    await clock.advance(199)
    assert.equal(clock.pending, 1)
    await clock.advance(1)
    await done
    assert.equal(srv.seen.length, 3)
  } finally {
    await srv.close()
  }
})

test('toHttp: a clear error after the last attempt, naming method, url, status and attempts', async () => {
  const srv = await server((_req, res) => res.writeHead(502).end('upstream down'))
  const src = tracked([1, 2, 3])
  try {
    const err = await pipe(src, toHttp(srv.url, { retries: 2, retryDelay: 1 })).then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    )
    assert.ok(err instanceof HttpRequestError)
    assert.equal(err.message, `toHttp: POST ${srv.url} failed after 3 attempts: status 502: upstream down`)
    assert.deepEqual([err.method, err.url, err.status, err.attempts], ['POST', srv.url, 502, 3])
    assert.equal(srv.seen.length, 3, 'the first element, three times; the others never sent')
    assert.equal(src.state.closed, true)
  } finally {
    await srv.close()
  }
})

test('toHttp: other 4xx fail at once, without retrying', async () => {
  const srv = await server((_req, res) => res.writeHead(422).end('bad field'))
  try {
    await assert.rejects(pipe(['x', 'y'], toHttp(srv.url, { retries: 5, retryDelay: 1 })), {
      name: 'HttpRequestError',
      status: 422,
      attempts: 1,
      message: `toHttp: POST ${srv.url} failed after 1 attempt: status 422: bad field`,
    })
    assert.equal(srv.seen.length, 1)
  } finally {
    await srv.close()
  }
})

test('toHttp: a refused connection is retried, then reported with its cause', async () => {
  const srv = await server()
  const { url, port } = srv
  await srv.close()
  assert.equal(await portIsFree(port), true)
  const err = await pipe(['x'], toHttp(url, { retries: 1, retryDelay: 1 })).then(
    () => assert.fail('should fail'),
    (e: unknown) => e,
  )
  assert.ok(err instanceof HttpRequestError)
  assert.equal(err.status, undefined)
  assert.equal(err.attempts, 2)
  assert.match(err.message, /^toHttp: POST http:\/\/127\.0\.0\.1:\d+\/in failed after 2 attempts: ECONNREFUSED/)
})

test('toHttp: an abort cancels the request in flight and rejects with the reason', async () => {
  const held: ServerResponse[] = []
  const srv = await server((_req, res) => held.push(res))
  const ac = new AbortController()
  try {
    const done = pipe(['x', 'y'], toHttp(srv.url, { signal: ac.signal }))
    await until(() => held.length === 1, 5000, 'a request in flight')
    const reason = new Error('stop')
    ac.abort(reason)
    await assert.rejects(done, reason)
    assert.equal(srv.seen.length, 1)
  } finally {
    await srv.close()
  }
})

test('toHttp: a source error rejects after the requests in flight finish; the sink leaves no socket open', async () => {
  const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length
  const before = sockets()
  const srv = await server()
  const src = tracked(['a', 'b', 'c'], { failAt: 2, error: new Error('source broke') })
  await assert.rejects(pipe(src, toHttp(srv.url, { concurrency: 2 })), /source broke/)
  assert.deepEqual(srv.seen.map((s) => s.body).sort(), ['a', 'b'])
  await assert.rejects(pipe([1n], toHttp(srv.url)), /toHttp: cannot send|BigInt/)
  await pipe(['x'], toHttp(srv.url))
  // the sink closed its connections (keep-alive ones too): both ends are gone, the server still listens
  await until(() => sockets() === before, 2000, 'the sockets to close')
  await srv.close()
})

test('toHttp: arguments are checked at construction', () => {
  assert.throws(() => toHttp('not a url'), /url must be an absolute URL/)
  assert.throws(() => toHttp('ftp://x/'), /url must be an http: or https: URL/)
  assert.throws(() => toHttp('http://x/', { concurrency: 0 }), RangeError)
  assert.throws(() => toHttp('http://x/', { retries: -1 }), RangeError)
  assert.throws(() => toHttp('http://x/', { retryDelay: 'later' }), RangeError)
  assert.throws(() => toHttp('http://x/', { method: 'GET /' }), /method must be an HTTP method/)
})
