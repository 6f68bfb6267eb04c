import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  MeterProvider,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
  AggregationTemporality,
} from '@opentelemetry/sdk-metrics'
import { pipe, map, filter, accumulate, tee, pushable, buffer, toArray, sink } from '../../src/index.js'
import { FakeClock } from '../../src/internal/clock.js'
import { instrument, progress, toDot, toOpenTelemetry, type Snapshot, type StageFigures } from '../../src/see/index.js'

const byName = (s: Snapshot): Record<string, Omit<StageFigures, 'id' | 'name' | 'busyMs' | 'rate'>> =>
  Object.fromEntries(s.stages.map((f) => [f.name, { in: f.in, out: f.out, waiting: f.waiting, inFlight: f.inFlight }]))

const double = (x: number): number => x * 2
const isBig = (x: number): boolean => x > 10
const add = (a: number, b: number): number => a + b

test('fused steps: every step counts what it takes in and gives out', async () => {
  const stream = pipe(
    Array.from({ length: 10 }, (_, i) => i),
    map(double),
    filter(isBig),
    accumulate(add),
  )
  const seen = instrument(stream)
  assert.deepEqual(
    seen.graph.nodes.map((n) => n.name),
    ['array', 'map(double)', 'filter(isBig)', 'accumulate(add)'],
  )
  assert.deepEqual(await pipe(stream, toArray()), [12, 26, 42, 60])
  assert.deepEqual(byName(seen.snapshot()), {
    array: { in: 0, out: 10, waiting: 0, inFlight: 0 },
    'map(double)': { in: 10, out: 10, waiting: 0, inFlight: 0 },
    'filter(isBig)': { in: 10, out: 4, waiting: 0, inFlight: 0 },
    'accumulate(add)': { in: 4, out: 4, waiting: 0, inFlight: 0 },
  })
})

test('filters count what they let through: first in the run, in a row, with an async predicate', async () => {
  const isEven = async (x: number): Promise<boolean> => {
    await Promise.resolve()
    return x % 2 === 0
  }
  const notFour = (x: number): boolean => x !== 4
  // truthy and falsy values that are not booleans: 0 for multiples of 3
  const notThree = (x: number): boolean => (x % 3) as unknown as boolean
  const stream = pipe(
    Array.from({ length: 24 }, (_, i) => i),
    filter(isEven),
    filter(notFour),
    filter(isBig),
    filter(notThree),
    map(double),
  )
  const seen = instrument(stream)
  assert.deepEqual(await pipe(stream, toArray()), [28, 32, 40, 44])
  assert.deepEqual(byName(seen.snapshot()), {
    array: { in: 0, out: 24, waiting: 0, inFlight: 0 },
    'filter(isEven)': { in: 24, out: 12, waiting: 0, inFlight: 0 },
    'filter(notFour)': { in: 12, out: 11, waiting: 0, inFlight: 0 },
    'filter(isBig)': { in: 11, out: 6, waiting: 0, inFlight: 0 },
    'filter(notThree)': { in: 6, out: 4, waiting: 0, inFlight: 0 },
    'map(double)': { in: 4, out: 4, waiting: 0, inFlight: 0 },
  })
})

test('the same counts with for await as with a sink', async () => {
  const stream = pipe([1, 2, 3, 4], map(double), filter(isBig))
  const seen = instrument(stream)
  let n = 0
  for await (const _ of stream) n++
  assert.equal(n, 0)
  assert.deepEqual(
    seen.snapshot().stages.map((f) => [f.in, f.out]),
    [
      [0, 4],
      [4, 4],
      [4, 0],
    ],
  )
})

test('generator stages, a tee and a buffer: counts, what waits in the tee and the pushable', async () => {
  async function* parse(src: AsyncIterable<string>): AsyncGenerator<number> {
    for await (const s of src) yield Number(s)
  }
  const source = pushable<string>({ highWaterMark: 10 })
  const [a, b] = tee(pipe(source, parse), 2, { highWaterMark: 10 })
  const joined = pipe(a, buffer(4), map(double))
  const seen = instrument(joined)
  for (const s of ['1', '2', '3', '4', '5']) source.push(s)
  assert.equal(byName(seen.snapshot()).pushable?.waiting, 5)
  const it = joined[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: 2, done: false })
  // buffer(4) reads ahead: wait until it holds what it can, then look
  for (let i = 0; i < 100 && (byName(seen.snapshot())['buffer(4)']?.in ?? 0) < 5; i++)
    await new Promise((r) => setImmediate(r))
  const f = byName(seen.snapshot())
  assert.deepEqual(f.pushable, { in: 0, out: 5, waiting: 0, inFlight: 0 })
  assert.deepEqual(f.parse, { in: 5, out: 5, waiting: 0, inFlight: 0 })
  // branch b has read nothing: the tee holds all five for it
  assert.deepEqual(f['tee(2)'], { in: 5, out: 5, waiting: 5, inFlight: 0 })
  assert.deepEqual(f['buffer(4)'], { in: 5, out: 1, waiting: 4, inFlight: 0 })
  assert.deepEqual(f['map(double)'], { in: 1, out: 1, waiting: 0, inFlight: 0 })
  await it.return?.()
  await b[Symbol.asyncIterator]().return?.()
  source.end()
})

test('map with concurrency: calls in flight', async () => {
  const gates: (() => void)[] = []
  const slow = (x: number): Promise<number> =>
    new Promise((resolve) => {
      gates.push(() => resolve(x))
    })
  const stream = pipe([1, 2, 3, 4, 5], map(slow, { concurrency: 3 }))
  const seen = instrument(stream)
  const it = stream[Symbol.asyncIterator]()
  const first = it.next()
  for (let i = 0; i < 100 && gates.length < 3; i++) await new Promise((r) => setImmediate(r))
  assert.equal(gates.length, 3)
  assert.deepEqual(byName(seen.snapshot())['map(slow)'], { in: 3, out: 0, waiting: 0, inFlight: 3 })
  gates[0]?.()
  assert.deepEqual(await first, { value: 1, done: false })
  assert.equal(byName(seen.snapshot())['map(slow)']?.out, 1)
  await it.return?.()
})

test('rate: elements out per second over the window, on a FakeClock', async () => {
  const clock = new FakeClock()
  const source = pushable<number>()
  const stream = pipe(source, map(double))
  const seen = instrument(stream, { clock, window: '2s' })
  const done = pipe(stream, toArray())
  for (let i = 0; i < 10; i++) await source.emit(i)
  await clock.advance(2000)
  const s1 = seen.snapshot()
  assert.equal(s1.at, 2000)
  assert.equal(s1.stages.find((f) => f.name === 'map(double)')?.rate, 5) // 10 in 2 s
  for (let i = 0; i < 4; i++) await source.emit(i)
  await clock.advance(2000)
  assert.equal(seen.snapshot().stages.find((f) => f.name === 'map(double)')?.rate, 2) // 4 in the last 2 s
  source.end()
  assert.equal((await done).length, 14)
})

test('busyMs: a slow fused step shows up as busy, timed on a sample', async () => {
  const spin = (x: number): number => {
    const until = performance.now() + 0.05
    while (performance.now() < until);
    return x
  }
  const stream = pipe(
    Array.from({ length: 4000 }, (_, i) => i),
    map(spin),
    filter(isBig),
  )
  const seen = instrument(stream)
  await pipe(stream, toArray())
  const f = seen.snapshot().stages
  const spinBusy = f.find((x) => x.name === 'map(spin)')?.busyMs ?? 0
  const filterBusy = f.find((x) => x.name === 'filter(isBig)')?.busyMs ?? 0
  assert.ok(spinBusy > 100, `map(spin) busy ${spinBusy} ms, expected about 200`)
  assert.ok(filterBusy < spinBusy / 4, `filter busy ${filterBusy} ms against ${spinBusy}`)
})

test('a sync root (an array, a Set) is counted by the loop that reads it, exact at every await', async () => {
  for (const root of [Array.from({ length: 600 }, (_, i) => i), new Set(Array.from({ length: 600 }, (_, i) => i))]) {
    const stream = pipe(root as Iterable<number>, map(double), filter(isBig))
    const seen = instrument(stream)
    // the graph still starts at the root itself, not at what instrument put in its place
    assert.equal(seen.graph.nodes[0]?.name, root instanceof Set ? 'Set' : 'array')
    assert.deepEqual(
      instrument(stream).graph.nodes.map((n) => n.name),
      seen.graph.nodes.map((n) => n.name),
    )
    const during: number[] = []
    await pipe(
      stream,
      sink(async (x: number) => {
        // the sink awaits on every 100th root element: a snapshot taken then sees what has gone in so far
        if (x % 200 === 0) {
          await Promise.resolve()
          during.push(seen.snapshot().stages.find((f) => f.name === 'map(double)')?.in ?? -1)
        }
      }),
    )
    assert.deepEqual(during, [101, 201, 301, 401, 501])
    const f = byName(seen.snapshot())
    assert.deepEqual(f['map(double)'], { in: 600, out: 600, waiting: 0, inFlight: 0 })
    assert.deepEqual(f['filter(isBig)'], { in: 600, out: 594, waiting: 0, inFlight: 0 })
    assert.ok((seen.snapshot().stages.find((x) => x.name === 'map(double)')?.busyMs ?? -1) >= 0)
  }
})

test('instrument refuses a Promise (its sink has started) and other values', () => {
  assert.throws(() => instrument(pipe([1], toArray())), /instrument: the pipeline is a Promise.*before the sink/)
  assert.throws(() => instrument(42 as never), /instrument: pipeline must be an AsyncIterable from pipe, got 42/)
})

test('off by default: a pipeline that is not instrumented keeps its own steps', () => {
  const stream = pipe([1, 2], map(double))
  const ops = (stream as unknown as { ops: unknown }).ops
  pipe(stream, toArray()).catch(() => undefined)
  assert.equal((stream as unknown as { ops: unknown }).ops, ops)
})

/** A stream object that keeps what is written, as a terminal or a log file would get it. */
const fakeStream = (isTTY: boolean): { isTTY: boolean; text: string; write(s: string): boolean } => ({
  isTTY,
  text: '',
  write(s: string) {
    this.text += s
    return true
  },
})

test('progress on a terminal: a table redrawn in place', async () => {
  const clock = new FakeClock()
  const out = fakeStream(true)
  const source = pushable<number>()
  const stream = pipe(source, map(double))
  const shown = progress(stream, { stream: out, clock, interval: '1s' })
  const done = pipe(
    stream,
    sink(() => undefined),
  )
  for (let i = 0; i < 3; i++) await source.emit(i)
  await clock.advance(1000)
  assert.equal(
    out.text,
    [
      '\x1b[2Kstage        count  rate/s  waiting  in flight',
      '\x1b[2Kpushable         3       3',
      '\x1b[2Kmap(double)      3       3',
      '',
    ].join('\n'),
  )
  out.text = ''
  await source.emit(3)
  await clock.advance(1000)
  assert.ok(out.text.startsWith('\x1b[3A\x1b[2Kstage'), JSON.stringify(out.text)) // up three lines, then redraw
  assert.match(out.text, /map\(double\) {6}4/)
  out.text = ''
  shown.stop()
  assert.ok(out.text.startsWith('\x1b[3A'), JSON.stringify(out.text)) // a last frame
  out.text = ''
  await clock.advance(5000)
  assert.equal(out.text, '') // nothing after stop()
  source.end()
  await done
})

test('progress to a log: one line every interval', async () => {
  const clock = new FakeClock()
  const out = fakeStream(false)
  const source = pushable<number>()
  const stream = pipe(source, map(double))
  const seen = instrument(stream, { clock })
  const ac = new AbortController()
  progress(seen, { stream: out, clock, signal: ac.signal })
  const done = pipe(
    stream,
    sink(() => undefined),
  )
  await source.emit(1)
  await clock.advance(4999)
  assert.equal(out.text, '')
  await clock.advance(1)
  assert.equal(out.text, 'progress: pushable 1 0/s · map(double) 1 0/s\n')
  ac.abort()
  assert.equal((out.text as string).split('\n').length, 3) // the last line on abort
  source.end()
  await done
})

test('progress checks its options', () => {
  assert.throws(() => progress(pipe([1]), { stream: {} as never }), /progress: stream must be a writable stream/)
  assert.throws(() => progress(pipe([1]), { interval: -1 }), /progress: interval/)
})

test('OpenTelemetry: the figures as counters and gauges on a real MeterProvider', async () => {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })
  const provider = new MeterProvider({ readers: [reader] })
  const stream = pipe([1, 2, 3, 20, 30], map(double), filter(isBig))
  const seen = instrument(stream)
  const off = toOpenTelemetry(seen, provider.getMeter('streamz-test'), { attributes: { pipeline: 'test' } })
  await pipe(stream, toArray())
  await reader.forceFlush()
  const metrics = exporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics))
  const points = (name: string): Record<string, number> =>
    Object.fromEntries(
      (metrics.find((m) => m.descriptor.name === name)?.dataPoints ?? []).map((p) => [
        String(p.attributes.name),
        p.value as number,
      ]),
    )
  assert.deepEqual(points('streamz.stage.out'), { array: 5, 'map(double)': 5, 'filter(isBig)': 2 })
  assert.deepEqual(points('streamz.stage.in'), { array: 0, 'map(double)': 5, 'filter(isBig)': 5 })
  assert.deepEqual(Object.keys(points('streamz.stage.waiting')), ['array', 'map(double)', 'filter(isBig)'])
  const one = metrics.find((m) => m.descriptor.name === 'streamz.stage.out')?.dataPoints[0]
  assert.deepEqual(one?.attributes, { pipeline: 'test', stage: 's0', name: 'array' })
  off()
  await provider.shutdown()
})

test('progress log(): a line of your own above the table, which is drawn again below it', async () => {
  const clock = new FakeClock()
  const out = fakeStream(true)
  const [a, b] = tee(pipe([1, 2, 3]), 2)
  const left = pipe(a, map(double))
  const right = pipe(b, filter(isBig))
  const shown = progress([left, right], { stream: out, clock, interval: 1000 })
  assert.deepEqual(await Promise.all([pipe(left, toArray()), pipe(right, toArray())]), [[2, 4, 6], []])
  await clock.advance(1000)
  // a header and one line each for the array, the tee, the map and the filter
  assert.equal(out.text.split('\n').length - 1, 5)
  assert.match(out.text, /array\s+3\s/)
  assert.match(out.text, /tee\(2\)\s+6\s/) // three elements to each of two branches
  assert.match(out.text, /filter\(isBig\)\s+0\s/)
  out.text = ''
  shown.log('hello')
  assert.ok(out.text.startsWith('\x1b[5A\x1b[Jhello\n\x1b[2Kstage'), JSON.stringify(out.text))
  shown.stop()
})

test('toDot with figures: each label gets its counts', async () => {
  const stream = pipe([1, 2, 3, 20, 30], map(double), filter(isBig))
  const seen = instrument(stream)
  await pipe(stream, toArray())
  const dot = toDot(seen.graph, { figures: seen.snapshot() })
  assert.match(dot, /s1 \[label="map\(double\)\\n5 out · [\d.k]+\/s"/)
  assert.match(dot, /s2 \[label="filter\(isBig\)\\n2 out · [\d.k]+\/s"/)
})
