import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  pipe,
  map,
  filter,
  tee,
  merge,
  zip,
  combineLatest,
  zipLatest,
  pushable,
  sink,
  unique,
  flatten,
  toArray,
  buffer,
  delay,
  partition,
  periodic,
  accumulate,
  type Pushable,
} from '../../src/index.js'
import { poolMap } from '../../src/pool/index.js'
import { graphOf, toDot, feedback, visualize, type Graph } from '../../src/see/index.js'

const increment = (x: number): number => x + 1
const decrement = (x: number): number => x - 1
const printed: unknown[] = []
const print = (x: unknown): void => {
  printed.push(x)
}

/** The Streamz docs' branching example: one source, two mapped branches, each to its own sink. */
function branching(): { source: Pushable<number>; done: Promise<void>[] } {
  const source = pushable<number>()
  const [a, b] = tee(source, 2)
  const done = [pipe(a, map(increment), sink(print)), pipe(b, map(decrement), sink(print))]
  return { source, done }
}

/** The Streamz docs' web crawler: the links found are pushed back into the source. */
function crawler(): { source: Pushable<string>; done: Promise<void>[] } {
  const source = pushable<string>()
  const [toPrint, toFetch] = tee(pipe(source, unique()), 2)
  const fetchPage = (url: string): string => `<a href="${url}/about">`
  const getLinks = (html: string): string[] => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1] as string)
  const pushBack = (url: string): boolean => source.push(url)
  const printing = pipe(toPrint, sink(print))
  const crawling = feedback(pipe(toFetch, map(fetchPage), map(getLinks), flatten(), sink(pushBack)), source)
  return { source, done: [printing, crawling] }
}

const names = (g: Graph): string[] => g.nodes.map((n) => n.name)
const edgeList = (g: Graph): string[] => g.edges.map((e) => `${e.from}->${e.to}${e.back === true ? ' back' : ''}`)

test('the branching example: one source, a tee, two branches, two sinks (DOT text)', async () => {
  const { source, done } = branching()
  const dot = toDot(graphOf(done))
  assert.equal(
    dot,
    [
      'digraph pipeline {',
      '  rankdir=LR;',
      '  node [fontname="Helvetica", fontsize=11, margin="0.15,0.06"];',
      '  edge [color="#555555", arrowsize=0.7];',
      '  s0 [label="pushable", shape=box, style="rounded,filled", fillcolor="#e8f1fb"];',
      '  s1 [label="tee(2)", shape=trapezium];',
      '  s2 [label="map(increment)", shape=box, style=rounded];',
      '  s3 [label="sink(print)", shape=box, style="rounded,filled", fillcolor="#eaf6ea"];',
      '  s4 [label="map(decrement)", shape=box, style=rounded];',
      '  s5 [label="sink(print)", shape=box, style="rounded,filled", fillcolor="#eaf6ea"];',
      '  s0 -> s1;',
      '  s1 -> s2;',
      '  s2 -> s3;',
      '  s1 -> s4;',
      '  s4 -> s5;',
      '}',
      '',
    ].join('\n'),
  )
  source.end()
  await Promise.all(done)
})

test('the web crawler: the feedback edge closes a cycle and is drawn dashed, against the flow', async () => {
  const { source, done } = crawler()
  const g = graphOf(done)
  assert.deepEqual(names(g), [
    'pushable',
    'unique',
    'tee(2)',
    'sink(print)',
    'map(fetchPage)',
    'map(getLinks)',
    'flatten',
    'sink(pushBack)',
  ])
  assert.deepEqual(edgeList(g), ['s0->s1', 's1->s2', 's2->s3', 's2->s4', 's4->s5', 's5->s6', 's6->s7', 's7->s0 back'])
  const dot = toDot(g, { rankdir: 'TB' })
  assert.match(dot, /rankdir=TB;/)
  assert.match(dot, /^ {2}s7 -> s0 \[style=dashed, constraint=false, color="#b03a2e", label="feedback"/m)
  assert.match(dot, /^ {2}s6 -> s7;$/m)
  source.end()
  await Promise.all(done)
})

test('without feedback() the crawler graph has no cycle', () => {
  const source = pushable<string>()
  const g = graphOf(pipe(source, unique(), sink(print)))
  assert.deepEqual(edgeList(g), ['s0->s1', 's1->s2'])
  source.end()
})

test('names come from the functions: fused steps, a generator of your own, anonymous ones', async () => {
  async function* parse(src: AsyncIterable<string>): AsyncGenerator<number> {
    for await (const s of src) yield Number(s)
  }
  const isEven = (x: number): boolean => x % 2 === 0
  const p = pipe(
    ['1', '2', '3', '4'],
    parse,
    filter(isEven),
    map((x: number) => x * 10),
    buffer(2),
    map(increment, { concurrency: 3 }),
    accumulate((a: number, b: number) => a + b),
    toArray(),
  )
  const g = graphOf(p)
  assert.deepEqual(names(g), [
    'array',
    'parse',
    'filter(isEven)',
    'map(fn)',
    'buffer(2)',
    'map(increment)',
    'accumulate(fn)',
    'toArray',
  ])
  assert.deepEqual(
    g.nodes.map((n) => n.kind),
    ['source', 'stage', 'stage', 'stage', 'stage', 'stage', 'stage', 'sink'],
  )
  assert.deepEqual(edgeList(g), ['s0->s1', 's1->s2', 's2->s3', 's3->s4', 's4->s5', 's5->s6', 's6->s7'])
  assert.deepEqual(await p, [21, 62]) // reading the graph ran nothing
})

test('a sink of your own, called by pipe, is named after its function', async () => {
  async function countAll(src: AsyncIterable<unknown>): Promise<number> {
    let n = 0
    for await (const _ of src) n++
    return n
  }
  const p = pipe([1, 2, 3], map(increment), countAll)
  assert.deepEqual(names(graphOf(p)), ['array', 'map(increment)', 'countAll'])
  assert.equal(graphOf(p).nodes[2]?.kind, 'sink')
  assert.equal(await p, 3)
})

test('joins: merge, zip, combineLatest and zipLatest walk back to every source', async () => {
  const clock = periodic(function tick() {
    return 1
  }, 1000)
  const g = graphOf([
    pipe(merge([1, 2], pipe([3], map(increment))), toArray()),
    zip([1], ['a']),
    combineLatest([[1], [2]]),
    zipLatest([1], clock),
  ])
  assert.deepEqual(names(g), [
    'array',
    'array',
    'map(increment)',
    'merge',
    'toArray',
    'array',
    'array',
    'zip',
    'array',
    'array',
    'combineLatest',
    'array',
    'periodic(tick)',
    'zipLatest',
  ])
  assert.deepEqual(
    g.nodes.filter((n) => n.kind === 'join').map((n) => n.id),
    ['s3', 's7', 's10', 's13'],
  )
  assert.deepEqual(
    g.edges.filter((e) => e.to === 's3').map((e) => e.from),
    ['s0', 's2'],
  )
})

test('non-fused built-ins and the pool describe themselves', () => {
  const task = new URL('../pool/tasks/inc.ts', import.meta.url)
  const g = graphOf(
    pipe(
      [1, 2],
      delay('10ms'),
      partition(2, { timeout: '1s' }),
      flatten(),
      poolMap<number, number>(task, { workers: 1 }),
    ),
  )
  assert.deepEqual(names(g), ['array', 'delay(10ms)', 'partition(2, 1000ms)', 'flatten', 'poolMap(inc.ts)'])
})

test('graphOf checks its argument', () => {
  assert.throws(() => graphOf(42 as never), /graphOf: pipeline must be a pipeline, got 42/)
  assert.throws(() => graphOf([null] as never), /graphOf: pipeline 0 must be a pipeline, got null/)
  assert.throws(() => toDot({} as never), /toDot: graph must be a Graph/)
  assert.throws(() => toDot({ nodes: [], edges: [] }, { rankdir: 'RL' as never }), /rankdir must be 'LR' or 'TB'/)
  assert.throws(() => feedback(pipe([1]), null as never), /feedback: into must be an AsyncIterable/)
})

test('toDot escapes quotes and backslashes in names', () => {
  const dot = toDot({ nodes: [{ id: 's0', name: 'say "hi" \\ bye', kind: 'stage' }], edges: [] })
  assert.match(dot, /s0 \[label="say \\"hi\\" \\\\ bye"/)
})

const images = fileURLToPath(new URL('../../docs/images/', import.meta.url))

test('visualize renders SVG (and PNG) with Graphviz compiled to WebAssembly', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'streamz-see-'))
  try {
    const { source, done } = crawler()
    const g = graphOf(done)
    await visualize(g, join(dir, 'crawler.svg'))
    const svg = await readFile(join(dir, 'crawler.svg'), 'utf8')
    assert.match(svg, /<svg[\s\S]*map\(fetchPage\)[\s\S]*<\/svg>/)
    assert.match(svg, /stroke-dasharray/) // the feedback edge
    await visualize(g, join(dir, 'crawler.png'))
    const png = await readFile(join(dir, 'crawler.png'))
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]) // "PNG"
    assert.ok(png.length > 5000, `PNG of ${png.length} bytes`)
    await assert.rejects(visualize(g, join(dir, 'x.svg'), { format: 'gif' as never }), /format must be 'svg' or 'png'/)
    // the pictures in docs/images are these graphs: re-render them with RENDER_IMAGES=1
    if (process.env.RENDER_IMAGES === '1') {
      await visualize(graphOf(branching().done), join(images, 'branching.svg'))
      await visualize(g, join(images, 'crawler.svg'))
    }
    const committed = await readFile(join(images, 'crawler.svg'), 'utf8')
    assert.match(committed, /sink\(pushBack\)/)
    source.end()
    await Promise.all(done)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
