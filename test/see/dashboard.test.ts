import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import pl from 'nodejs-polars'
import WebSocket from 'ws'
import { pushable } from '../../src/index.js'
import { serveDashboard } from '../../src/see/index.js'
import { Backlog, layoutOf, pointsOf } from '../../src/see/dashboard-points.js'
import type { Instrumented, Snapshot } from '../../src/see/instrument.js'

/** A hand-made instrumented pipeline whose figures the test sets. */
function fakePipeline(): Instrumented & { figures: Snapshot } {
  const figures: Snapshot = {
    at: 0,
    stages: [
      { id: 'a', name: 'fromIterable', in: 0, out: 3, rate: 1, busyMs: 0, waiting: 0, inFlight: 0 },
      { id: 'b', name: 'map(parse)', in: 3, out: 3, rate: 1, busyMs: 2, waiting: 1, inFlight: 0 },
    ],
  }
  return {
    figures,
    graph: {
      nodes: [
        { id: 'a', name: 'fromIterable', kind: 'source' },
        { id: 'b', name: 'map(parse)', kind: 'stage' },
        { id: 'c', name: 'toArray', kind: 'sink' },
      ],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
      ],
    },
    snapshot: () => ({ ...figures, at: Date.now() }),
    stop: () => undefined,
  }
}

/** A WebSocket client that records every message and can wait for one that matches. */
async function client(url: string): Promise<{
  messages: Record<string, unknown>[]
  next(pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>
  close(): void
}> {
  const ws = new WebSocket(new URL('ws', url.replace(/^http/, 'ws')))
  const messages: Record<string, unknown>[] = []
  const waiters: { pred: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = []
  ws.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString()) as Record<string, unknown>
    messages.push(m)
    for (const w of [...waiters])
      if (w.pred(m)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(m)
      }
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return {
    messages,
    next: (pred) => {
      const seen = messages.find(pred)
      if (seen !== undefined) return Promise.resolve(seen)
      return new Promise((resolve) => waiters.push({ pred, resolve }))
    },
    close: () => ws.close(),
  }
}

async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms
  while (!cond()) {
    if (Date.now() > until) assert.fail(`timed out waiting until ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

test('layoutOf picks the first date/time column for x and the other numeric columns', () => {
  const df = pl.DataFrame({
    name: ['a', 'b'],
    time: [new Date(1000), new Date(2000)],
    x: [1.5, 2.5],
    n: [1, 2],
  })
  assert.deepEqual(layoutOf(df, 'f', {}), { x: 'time', time: true, columns: ['x', 'n'] })
  assert.deepEqual(layoutOf(df, 'f', { x: 'n', columns: ['x'] }), { x: 'n', time: false, columns: ['x'] })
  assert.deepEqual(layoutOf(df.drop('time'), 'f', {}), { x: null, time: false, columns: ['x', 'n'] })
  assert.throws(() => layoutOf(df, 'f', { x: 'nope' }), /frame "f" has no column "nope"/)
  assert.throws(() => layoutOf(df, 'f', { columns: ['name'] }), /column "name" of frame "f" is not numeric/)
})

test('pointsOf gives seconds for time, row numbers without x, and null for gaps', () => {
  const df = pl.DataFrame({ time: [new Date(1000), new Date(2500)], x: [1, null] })
  assert.deepEqual(pointsOf(df, layoutOf(df, 'f', {}), 0), { x: [1, 2.5], ys: [[1, null]] })
  const plain = df.drop('time')
  assert.deepEqual(pointsOf(plain, layoutOf(plain, 'f', {}), 10), { x: [10, 11], ys: [[1, null]] })
  // a later chunk without x or a column: row numbers and gaps
  const other = pl.DataFrame({ y: [7, 8] })
  assert.deepEqual(pointsOf(other, { x: 'time', time: true, columns: ['x', 'y'] }, 2), {
    x: [2, 3],
    ys: [
      [null, null],
      [7, 8],
    ],
  })
})

test('Backlog keeps the last `size` points', () => {
  const b = new Backlog(3, 1)
  b.add({ x: [0, 1], ys: [[10, 11]] })
  const sent = b.add({ x: [2, 3, 4, 5], ys: [[12, 13, 14, 15]] })
  assert.deepEqual(sent, { x: [3, 4, 5], ys: [[13, 14, 15]] })
  assert.deepEqual([b.x, b.ys], [[3, 4, 5], [[13, 14, 15]]])
  b.add({ x: [6], ys: [[16]] })
  assert.deepEqual([b.x, b.ys], [[4, 5, 6], [[14, 15, 16]]])
})

test('serveDashboard checks its arguments', async () => {
  const bad = (o: unknown, re: RegExp) => assert.rejects(serveDashboard(o as Parameters<typeof serveDashboard>[0]), re)
  await bad(undefined, /serveDashboard: options must be an options object/)
  await bad({ port: -1 }, /port must be a non-negative integer, got -1/)
  await bad({ port: 70000 }, /port must be a port number/)
  await bad({ port: 0, backlog: 0 }, /backlog must be a positive integer, got 0/)
  await bad({ port: 0, interval: 'soon' }, /interval must be a duration/)
  await bad({ port: 0, interval: 0 }, /interval must be a positive duration/)
  await bad({ port: 0, pipeline: {} }, /pipeline must be an instrumented pipeline/)
  await bad({ port: 0, frames: { a: [1, 2] } }, /frames\["a"\] must be an AsyncIterable of DataFrames/)
  await bad(
    { port: 0, frames: { a: { stream: pushable(), kind: 'pie' } } },
    /frames\["a"\]\.kind must be 'line' or 'bar'/,
  )
  await bad({ port: 0, signal: 'stop' }, /signal must be an AbortSignal/)
})

test('serves the page, uPlot, the state; pushes the graph, snapshots and rows over the WebSocket', async () => {
  const pipeline = fakePipeline()
  const chunks = pushable<pl.DataFrame>()
  const dash = await serveDashboard({
    port: 0,
    pipeline,
    frames: { walk: { stream: chunks, kind: 'bar' } },
    backlog: 5,
    interval: 20,
    title: 'Test <board>',
  })
  try {
    assert.match(dash.url, /^http:\/\/127\.0\.0\.1:\d+\/$/)
    assert.equal(dash.address().port, Number(new URL(dash.url).port))
    const res = await fetch(dash.url)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/)
    const html = await res.text()
    assert.match(html, /<title>Test &#60;board&#62;<\/title>/)
    assert.match(html, /<script src="uPlot\.iife\.min\.js">/)
    const js = await fetch(new URL('uPlot.iife.min.js', dash.url))
    assert.equal(js.status, 200)
    assert.match(await js.text(), /uPlot/)
    assert.equal((await fetch(new URL('uPlot.min.css', dash.url))).status, 200)
    assert.equal((await fetch(new URL('nope', dash.url))).status, 404)
    assert.equal((await fetch(dash.url, { method: 'POST' })).status, 405)

    const c = await client(dash.url)
    const hello = await c.next((m) => m.type === 'hello')
    assert.deepEqual(hello.graph, pipeline.graph)
    assert.equal(hello.backlog, 5)
    assert.deepEqual(hello.frames, [
      { name: 'walk', kind: 'bar', layout: null, points: null, chunks: 0, rows: 0, ended: false, error: null },
    ])

    pipeline.figures.stages[1]!.out = 42
    const snap = await c.next((m) => m.type === 'snapshot' && (m.snapshot as Snapshot).stages.some((s) => s.out === 42))
    assert.equal(snap.graph, undefined, 'the graph is only sent again when it changes')

    await chunks.emit(pl.DataFrame({ x: [1, 2, 3], y: [0.5, 0.25, 0.125] }))
    await chunks.emit(pl.DataFrame({ x: [4, 5, 6, 7], y: [1, 2, 3, 4] }))
    const rows = await c.next((m) => m.type === 'rows' && m.chunks === 2)
    assert.deepEqual(rows, {
      type: 'rows',
      frame: 'walk',
      layout: { x: null, time: false, columns: ['x', 'y'] },
      chunks: 2,
      rows: 7,
      x: [3, 4, 5, 6],
      ys: [
        [4, 5, 6, 7],
        [1, 2, 3, 4],
      ],
    })
    chunks.end()
    await c.next((m) => m.type === 'end' && m.frame === 'walk')
    await dash.done

    // a page opened late gets the backlog in its hello, also served as /state.json
    const state = (await (await fetch(new URL('state.json', dash.url))).json()) as { frames: unknown[] }
    assert.deepEqual(state.frames, [
      {
        name: 'walk',
        kind: 'bar',
        layout: { x: null, time: false, columns: ['x', 'y'] },
        points: {
          x: [2, 3, 4, 5, 6],
          ys: [
            [3, 4, 5, 6, 7],
            [0.125, 1, 2, 3, 4],
          ],
        },
        chunks: 2,
        rows: 7,
        ended: true,
        error: null,
      },
    ])
    c.close()
  } finally {
    await dash.close()
  }
  assert.ok(await portIsFree(dash.address().port), 'the port is free again after close()')
})

test('a failing frame stream shows on the page and rejects `done`; the server keeps serving', async () => {
  async function* failing(): AsyncGenerator<pl.DataFrame> {
    yield pl.DataFrame({ v: [1, 2] })
    throw new Error('feed lost')
  }
  const dash = await serveDashboard({ port: 0, frames: { feed: failing() } })
  try {
    await assert.rejects(dash.done, /feed lost/)
    const state = (await (await fetch(new URL('state.json', dash.url))).json()) as {
      frames: { error: string; rows: number }[]
    }
    assert.equal(state.frames[0]?.error, 'feed lost')
    assert.equal(state.frames[0]?.rows, 2)
  } finally {
    await dash.close()
  }
})

test('close() and abort stop reading the frame streams, disconnect pages and free the port', async () => {
  let closed = 0
  async function* endless(): AsyncGenerator<pl.DataFrame> {
    try {
      for (let i = 0; ; i++) {
        yield pl.DataFrame({ i: [i] })
        await new Promise((r) => setTimeout(r, 5))
      }
    } finally {
      closed++
    }
  }
  const ac = new AbortController()
  const dash = await serveDashboard({ port: 0, frames: { a: endless() }, signal: ac.signal, pipeline: fakePipeline() })
  const c = await client(dash.url)
  await c.next((m) => m.type === 'rows' && (m.chunks as number) >= 3)
  const disconnected = new Promise<void>((resolve) => {
    // the page's socket is closed by the server
    const ws = new WebSocket(new URL('ws', dash.url.replace(/^http/, 'ws')))
    ws.on('open', () => ac.abort())
    ws.on('close', () => resolve())
  })
  await disconnected
  await dash.close()
  await dash.done
  // return() was called without waiting on it; the generator's finally runs once its pending step is over
  await waitFor(() => closed === 1, 'the frame stream was closed')
  assert.ok(await portIsFree(dash.address().port))
  c.close()
  await assert.rejects(serveDashboard({ port: 0, signal: AbortSignal.abort(new Error('already')) }), /already/)
})

test('a pipeline whose snapshot() throws leaves the figures out; the dashboard keeps serving', async (t) => {
  const warn = t.mock.method(console, 'warn', () => undefined)
  const pipeline = {
    ...fakePipeline(),
    snapshot: (): Snapshot => {
      throw new Error('snapshot broke')
    },
  }
  const dash = await serveDashboard({ port: 0, pipeline, interval: 10 })
  try {
    for (let i = 0; i < 2; i++) {
      const state = (await (await fetch(new URL('state.json', dash.url))).json()) as {
        snapshot: unknown
        graph: unknown
      }
      assert.equal(state.snapshot, null)
      assert.notEqual(state.graph, null)
    }
    assert.equal(warn.mock.callCount(), 1, 'reported once')
    assert.match(String(warn.mock.calls[0]?.arguments[1]), /snapshot broke/)
  } finally {
    await dash.close()
  }
})

test('a port in use rejects with the listen error', async () => {
  const first = await serveDashboard({ port: 0 })
  try {
    await assert.rejects(serveDashboard({ port: first.address().port }), { code: 'EADDRINUSE' })
  } finally {
    await first.close()
  }
})
