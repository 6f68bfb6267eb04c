// Throughput of the network sources against hand-written node:net / node:http servers doing the
// same work, side by side in one run (rounds interleaved, median reported).
//
//   node --import tsx bench/net.bench.ts            (BENCH_ROUNDS=5 for more rounds)
//
// tcp:  one client writes N lines; the server cuts them into strings and counts them.
// http: toHttp (undici, concurrency 8) POSTs N small JSON bodies; the server reads each body,
//       parses it and answers 202 (fromHttpServer: once the pipeline has taken it).

import { createServer as createHttpServer } from 'node:http'
import { connect, createServer, type AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { fromTcp } from '../src/sources/net/index.js'
import { fromHttpServer, toHttp } from '../src/sources/http/index.js'
import { pipe, slice, sink } from '../src/index.js'

const LINES = 300_000
const POSTS = 3_000
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const payload = Buffer.from(
  Array.from({ length: LINES }, (_, i) => `event ${i} temperature=${(i % 40) + 0.5} ok`).join('\n') + '\n',
)

function sendLines(port: number): void {
  const c = connect(port, '127.0.0.1', () => c.end(payload))
  c.on('error', () => undefined)
}

async function tcpStreamz(): Promise<number> {
  const source = fromTcp({ port: 0, host: '127.0.0.1', highWaterMark: 256 })
  let n = 0
  const done = pipe(
    source,
    slice(0, LINES),
    sink((line: string) => {
      n += line.length > 0 ? 1 : 0
    }),
  )
  sendLines((await source.listening).port)
  await done
  return n
}

async function tcpRaw(): Promise<number> {
  let n = 0
  let finish: () => void = () => undefined
  const finished = new Promise<void>((resolve) => (finish = resolve))
  const server = createServer((socket) => {
    let buf: Buffer = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk])
      let start = 0
      for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, start)) {
        const line = buf.toString('utf8', start, i)
        n += line.length > 0 ? 1 : 0
        start = i + 1
      }
      buf = buf.subarray(start)
      if (n === LINES) finish()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  sendLines((server.address() as AddressInfo).port)
  await finished
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return n
}

const bodies = Array.from({ length: POSTS }, (_, i) => ({ id: i, value: i * 2 }))

async function httpStreamz(): Promise<number> {
  const source = fromHttpServer<{ id: number }>({ port: 0, host: '127.0.0.1', parse: 'json', highWaterMark: 64 })
  let n = 0
  const done = pipe(
    source,
    slice(0, POSTS),
    sink(() => {
      n++
    }),
  )
  const { port } = await source.listening
  await pipe(bodies, toHttp(`http://127.0.0.1:${port}/`, { concurrency: 8 }))
  await done
  return n
}

async function httpRaw(): Promise<number> {
  let n = 0
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'))
      n++
      res.writeHead(202, { 'content-length': '0' }).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await pipe(bodies, toHttp(`http://127.0.0.1:${port}/`, { concurrency: 8 }))
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return n
}

const cases: [string, number, [string, () => Promise<number>][]][] = [
  [
    'tcp lines',
    LINES,
    [
      ['fromTcp', tcpStreamz],
      ['raw node:net', tcpRaw],
    ],
  ],
  [
    'http POSTs',
    POSTS,
    [
      ['fromHttpServer', httpStreamz],
      ['raw node:http', httpRaw],
    ],
  ],
]

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

console.log(`node ${process.version}, ${ROUNDS} rounds, median`)
for (const [title, count, impls] of cases) {
  const times = new Map<string, number[]>(impls.map(([name]) => [name, []]))
  for (const [, f] of impls) await f() // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, f] of impls) {
      const t = performance.now()
      const got = await f()
      const ms = performance.now() - t
      if (got !== count) throw new Error(`${title} / ${name}: got ${got}, expected ${count}`)
      times.get(name)?.push(ms)
    }
  }
  const base = median(times.get(impls[1]?.[0] ?? '') ?? [])
  for (const [name] of impls) {
    const ms = median(times.get(name) ?? [])
    console.log(
      `${title.padEnd(11)} ${name.padEnd(15)} ${ms.toFixed(0).padStart(6)} ms  ${Math.round((count / ms) * 1000)
        .toLocaleString('en')
        .padStart(10)} /s  ratio to raw ${(ms / base).toFixed(2)}`,
    )
  }
}
