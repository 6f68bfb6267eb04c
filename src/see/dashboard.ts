import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type pl from 'nodejs-polars'
import type { WebSocket, WebSocketServer } from 'ws'
import { checkInteger, checkObject, checkSignal, fail, show } from '../internal/check.js'
import { closeAll } from '../internal/close-all.js'
import { toMs } from '../internal/duration.js'
import type { Graph } from './graph.js'
import type { Instrumented, Snapshot } from './instrument.js'
import { dashboardPage } from './dashboard-page.js'
import { Backlog, layoutOf, pointsOf, type FrameLayout } from './dashboard-points.js'

/**
 * A DataFrame stream for the dashboard to chart: the chunks themselves, or an object with a
 * `stream` of chunks (a `StreamingFrame` from `streamz-ts/frame` is one) and drawing settings.
 * `x` names the column for the x axis (default: the first date/time column, else the row number);
 * `columns` the numeric columns drawn (default: every numeric column but x); `kind` is `'line'`
 * (default) or `'bar'` (the columns' bars side by side at each x).
 * @example
 * const frames: Record<string, DashboardFrame> = {
 *   raw: chunks, // an AsyncIterable<pl.DataFrame>: a line per numeric column against the row number
 *   prices: { stream: sdf.stream, x: 'time', columns: ['bid', 'ask'] },
 *   volume: { stream: perDay, x: 'day', kind: 'bar' },
 * }
 */
export type DashboardFrame =
  | AsyncIterable<pl.DataFrame>
  | {
      stream: AsyncIterable<pl.DataFrame>
      kind?: 'line' | 'bar'
      x?: string
      columns?: string[]
    }

/** Options of {@link serveDashboard}. */
export interface DashboardOptions {
  /** TCP port; 0 picks a free one (read it from `url` or `address()`). */
  port: number
  /** Interface to listen on. Default `'127.0.0.1'`, this machine only; `'0.0.0.0'` opens it to the network. */
  host?: string
  /** An instrumented pipeline: its graph is drawn, and its figures are sent every `interval`. */
  pipeline?: Instrumented
  /**
   * Streams of DataFrame chunks to chart, by title. The dashboard is a sink for each: it reads the
   * stream itself from the start, so give it a stream nothing else reads (a `tee` branch if the
   * chunks also go elsewhere).
   */
  frames?: Record<string, DashboardFrame>
  /** Points kept per frame, on the server (for pages opened late) and in each chart. Default 1000. */
  backlog?: number
  /** Time between two snapshots of the pipeline's figures: ms or a duration string. Default `'500ms'`. */
  interval?: number | string
  /** Page title. Default `'streamz-ts dashboard'`. */
  title?: string
  /** Aborting it closes the dashboard, as `close()` does. */
  signal?: AbortSignal
}

/**
 * A running dashboard, from {@link serveDashboard}.
 * @example
 * const dash: Dashboard = await serveDashboard({ port: 0, frames: { walk: chunks } })
 * console.log(`dashboard at ${dash.url}, port ${dash.address().port}`)
 * dash.done.catch((err) => console.error('a frame stream failed', err))
 * process.once('SIGINT', () => void dash.close())
 */
export interface Dashboard {
  /** The page's address, e.g. `http://127.0.0.1:41233/`. */
  readonly url: string
  /** Where the server listens. */
  address(): AddressInfo
  /**
   * Settles once every frame stream has ended, or the dashboard is closed; rejects with the first
   * frame stream's error. (The dashboard keeps serving either way, showing the error on the page,
   * until closed.)
   */
  readonly done: Promise<void>
  /** Stops reading the frame streams, disconnects the pages and closes the server. Idempotent. */
  close(): Promise<void>
}

const OP = 'serveDashboard'

interface FrameState {
  name: string
  kind: 'line' | 'bar'
  want: { x?: string; columns?: string[] }
  stream: AsyncIterable<pl.DataFrame>
  layout: FrameLayout | null
  backlog: Backlog | null
  chunks: number
  rows: number
  ended: boolean
  error: string | null
  it?: AsyncIterator<pl.DataFrame>
}

function frameOf(name: string, value: unknown): FrameState {
  const base = { name, layout: null, backlog: null, chunks: 0, rows: 0, ended: false, error: null }
  const arg = `frames[${JSON.stringify(name)}]`
  if (value !== null && typeof value === 'object') {
    if (typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function')
      return { ...base, kind: 'line', want: {}, stream: value as AsyncIterable<pl.DataFrame> }
    const v = value as { stream?: unknown; kind?: unknown; x?: unknown; columns?: unknown }
    if (
      v.stream !== null &&
      typeof v.stream === 'object' &&
      typeof (v.stream as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function'
    ) {
      if (v.kind !== undefined && v.kind !== 'line' && v.kind !== 'bar')
        fail(TypeError, OP, `${arg}.kind`, "'line' or 'bar'", v.kind)
      if (v.x !== undefined && typeof v.x !== 'string') fail(TypeError, OP, `${arg}.x`, 'a column name', v.x)
      if (v.columns !== undefined && (!Array.isArray(v.columns) || !v.columns.every((c) => typeof c === 'string')))
        fail(TypeError, OP, `${arg}.columns`, 'an array of column names', v.columns)
      const want: { x?: string; columns?: string[] } = {}
      if (v.x !== undefined) want.x = v.x
      if (v.columns !== undefined) want.columns = v.columns
      return {
        ...base,
        kind: v.kind ?? 'line',
        want,
        stream: v.stream as AsyncIterable<pl.DataFrame>,
      }
    }
  }
  return fail(TypeError, OP, arg, 'an AsyncIterable of DataFrames or an object with a `stream` of them', value)
}

/** Load `ws` and uPlot's browser files, optional peer dependencies, with an error that says what to install. */
async function loadPeers(): Promise<{ WSS: typeof WebSocketServer; uplotJs: Buffer; uplotCss: Buffer }> {
  const require = createRequire(import.meta.url)
  let js: string, css: string
  try {
    js = require.resolve('uplot/dist/uPlot.iife.min.js')
    css = require.resolve('uplot/dist/uPlot.min.css')
  } catch (e) {
    throw new Error(`${OP} needs the optional peer dependency uplot (npm install uplot)`, { cause: e })
  }
  let WSS: typeof WebSocketServer
  try {
    WSS = (await import('ws')).WebSocketServer
  } catch (e) {
    throw new Error(`${OP} needs the optional peer dependency ws (npm install ws)`, { cause: e })
  }
  const [uplotJs, uplotCss] = await Promise.all([readFile(js), readFile(css)])
  return { WSS, uplotJs, uplotCss }
}

/**
 * Serve a web page that shows a pipeline's graph with its live figures (elements in and out, rate,
 * items waiting, calls in flight, time busy per stage) and a live chart per stream of DataFrames:
 * each chunk's rows are added as they arrive and the chart keeps the last `backlog` points, like
 * Streamz's `sdf.plot()`. The page gets everything over a WebSocket (path `/ws`); the charts are
 * drawn with uPlot, served from the installed `uplot` package (no CDN).
 *
 * Loads the optional peer dependencies `ws` and `uplot`. The frame streams are read by the
 * dashboard (it is their sink); `pipeline` is only looked at, never stopped.
 * @example
 * // a stream of DataFrame chunks, instrumented before anything reads it
 * const quotes = pipe(ticks, map(parse), filter(valid))
 * const seen = instrument(quotes)
 * const dash = await serveDashboard({
 *   port: 8080,
 *   pipeline: seen,
 *   frames: { quotes: { stream: quotes, x: 'time', columns: ['bid', 'ask'] } }, // the dashboard reads it
 *   backlog: 500,
 * })
 * console.log(`open ${dash.url}`)
 * // ... later
 * await dash.close()
 */
export async function serveDashboard(options: DashboardOptions): Promise<Dashboard> {
  checkObject(OP, 'options', options)
  if (options === undefined) fail(TypeError, OP, 'options', 'an options object', options)
  const {
    port,
    host = '127.0.0.1',
    pipeline,
    frames = {},
    backlog = 1000,
    title = 'streamz-ts dashboard',
    signal,
  } = options
  checkInteger(OP, 'port', port, 0)
  if (port > 65535) fail(RangeError, OP, 'port', 'a port number (0 to 65535)', port)
  if (typeof host !== 'string') fail(TypeError, OP, 'host', 'a string', host)
  if (
    pipeline !== undefined &&
    (pipeline === null ||
      typeof pipeline !== 'object' ||
      typeof (pipeline as Partial<Instrumented>).snapshot !== 'function')
  )
    fail(TypeError, OP, 'pipeline', 'an instrumented pipeline (from instrument())', pipeline)
  if (frames === null || typeof frames !== 'object') fail(TypeError, OP, 'frames', 'an object', frames)
  checkInteger(OP, 'backlog', backlog, 1)
  const interval = toMs(OP, 'interval', options.interval ?? 500)
  if (interval <= 0) fail(RangeError, OP, 'interval', 'a positive duration', options.interval)
  if (typeof title !== 'string') fail(TypeError, OP, 'title', 'a string', title)
  checkSignal(OP, signal)
  const states = Object.entries(frames).map(([name, value]) => frameOf(name, value))
  if (signal?.aborted) throw signal.reason

  const { WSS, uplotJs, uplotCss } = await loadPeers()
  const page = Buffer.from(dashboardPage(title))
  const assets = new Map<string, { type: string; body: Buffer }>([
    ['/', { type: 'text/html; charset=utf-8', body: page }],
    ['/index.html', { type: 'text/html; charset=utf-8', body: page }],
    ['/uPlot.iife.min.js', { type: 'text/javascript; charset=utf-8', body: uplotJs }],
    ['/uPlot.min.css', { type: 'text/css; charset=utf-8', body: uplotCss }],
  ])

  let closed = false
  const graphOf = (): Graph | null => pipeline?.graph ?? null
  let snapshotFailed = false
  // a snapshot that throws must not take the process down from the timer: the page gets no
  // figures for that tick, and the first failure is reported once
  const snapshotOf = (): Snapshot | null => {
    if (pipeline === undefined) return null
    try {
      return pipeline.snapshot()
    } catch (e) {
      if (!snapshotFailed) console.warn('serveDashboard: pipeline.snapshot() failed; figures are left out:', e)
      snapshotFailed = true
      return null
    }
  }
  const frameInfo = (f: FrameState): unknown => ({
    name: f.name,
    kind: f.kind,
    layout: f.layout,
    points: f.backlog === null ? null : { x: f.backlog.x, ys: f.backlog.ys },
    chunks: f.chunks,
    rows: f.rows,
    ended: f.ended,
    error: f.error,
  })
  const hello = (): string =>
    JSON.stringify({ type: 'hello', backlog, graph: graphOf(), snapshot: snapshotOf(), frames: states.map(frameInfo) })

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    if (path === '/state.json') {
      const body = Buffer.from(hello())
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': body.length,
        'cache-control': 'no-store',
      })
      res.end(req.method === 'HEAD' ? undefined : body)
      return
    }
    const asset = assets.get(path)
    if (asset === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
      return
    }
    res.writeHead(200, { 'content-type': asset.type, 'content-length': asset.body.length, 'cache-control': 'no-cache' })
    res.end(req.method === 'HEAD' ? undefined : asset.body)
  }

  const server = createServer(onRequest)
  const wss: WebSocketServer = new WSS({ server, path: '/ws' })
  // a page that cannot keep up misses messages rather than making the server hold them all
  const MAX_BUFFERED = 8 * 1024 * 1024
  const broadcast = (message: string): void => {
    for (const ws of wss.clients) if (ws.readyState === ws.OPEN && ws.bufferedAmount < MAX_BUFFERED) ws.send(message)
  }
  wss.on('connection', (ws: WebSocket) => {
    ws.on('error', () => ws.terminate())
    ws.send(hello())
  })
  wss.on('error', () => undefined)

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `http://${urlHost === '0.0.0.0' || urlHost === '[::]' ? 'localhost' : urlHost}:${address.port}/`

  let lastGraph = JSON.stringify(graphOf())
  const timer =
    pipeline === undefined
      ? undefined
      : setInterval(() => {
          if (wss.clients.size === 0) return
          const graph = JSON.stringify(graphOf())
          const changed = graph !== lastGraph
          lastGraph = graph
          broadcast(
            `{"type":"snapshot","snapshot":${JSON.stringify(snapshotOf())}${changed ? `,"graph":${graph}` : ''}}`,
          )
        }, interval)

  const readFrame = async (f: FrameState): Promise<void> => {
    const it = f.stream[Symbol.asyncIterator]()
    f.it = it
    try {
      while (!closed) {
        const r = await it.next()
        if (r.done === true || closed) break
        const df = r.value
        if (f.layout === null) {
          f.layout = layoutOf(df, f.name, f.want)
          f.backlog = new Backlog(backlog, f.layout.columns.length)
        }
        const points = pointsOf(df, f.layout, f.rows)
        f.chunks += 1
        f.rows += df.height
        const sent = (f.backlog as Backlog).add(points)
        broadcast(
          JSON.stringify({ type: 'rows', frame: f.name, layout: f.layout, chunks: f.chunks, rows: f.rows, ...sent }),
        )
      }
      f.ended = true
      if (!closed) broadcast(JSON.stringify({ type: 'end', frame: f.name }))
    } catch (e) {
      f.ended = true
      f.error = e instanceof Error ? e.message : show(e)
      closeAll([it])
      if (!closed) broadcast(JSON.stringify({ type: 'end', frame: f.name, error: f.error }))
      throw e
    }
  }
  let stopped = (): void => undefined
  const done = Promise.race([
    Promise.all(states.map(readFrame)).then(() => undefined),
    new Promise<void>((resolve) => (stopped = resolve)),
  ])
  // `done` is for those who want it; nobody awaiting it is not an unhandled rejection
  done.catch(() => undefined)

  let closing: Promise<void> | undefined
  const onAbort = (): void => void close()
  function close(): Promise<void> {
    closing ??= (async () => {
      closed = true
      stopped()
      signal?.removeEventListener('abort', onAbort)
      if (timer !== undefined) clearInterval(timer)
      closeAll(states.map((f) => f.it))
      for (const ws of wss.clients) ws.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    })()
    return closing
  }
  signal?.addEventListener('abort', onAbort, { once: true })
  // aborted while the server was starting
  if (signal?.aborted) onAbort()

  return {
    url,
    address: () => address,
    done,
    close,
  }
}
