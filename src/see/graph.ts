import { Flow, UP, type NamedOp } from '../pipe/flow.js'
import type { Description, NodeKind } from '../internal/describe.js'
import { fail, show } from '../internal/check.js'

/**
 * One node of a pipeline graph: a source, a stage, a sink, or a combinator (`join` for merge,
 * zip, combineLatest, zipLatest; `split` for tee). `id` is stable for one walk (`s0`, `s1`, …,
 * sources first) and is the id the snapshot and the DOT use.
 * @example
 * ```ts
 * const node: GraphNode = { id: 's1', name: 'map(parse)', kind: 'stage' }
 * ```
 */
export interface GraphNode {
  id: string
  name: string
  kind: NodeKind
}

/**
 * An edge of a pipeline graph: elements flow from `from` to `to`. `back` marks an edge that
 * closes a cycle (a feedback loop, see {@link feedback}); drawn dashed, against the flow.
 * @example
 * ```ts
 * const edge: GraphEdge = { from: 's0', to: 's1' }
 * ```
 */
export interface GraphEdge {
  from: string
  to: string
  back?: boolean
}

/**
 * A pipeline as nodes and edges, from {@link graphOf}.
 * @example
 * ```ts
 * const g: Graph = graphOf(pipe([1, 2, 3], map(double)))
 * g.nodes.map((n) => n.name) // ['array', 'map(double)']
 * ```
 */
export interface Graph {
  nodes: GraphNode[]
  edges: GraphEdge[]
}

/**
 * A pipeline as `graphOf` takes it: the iterable a pipe returns, or the promise of a sink.
 * @example
 * ```ts
 * const running: Pipeline = pipe([1, 2], map(double), toArray())
 * const stream: Pipeline = pipe([1, 2], map(double))
 * ```
 */
export type Pipeline = AsyncIterable<unknown> | Promise<unknown>

/**
 * Where a node lives in the running pipeline, for `instrument`.
 * @internal
 */
export interface Site {
  readonly node: GraphNode
  readonly desc: Description | undefined
  /** The objects that hand out this node's output (a stage's result, a tee's branches). */
  readonly outputs: object[]
  /** The objects this node reads. */
  readonly inputs: unknown[]
  /** A fused step: the Flow that holds it and its index in `ops`. */
  readonly flow?: { flow: Flow<unknown>; index: number }
  /** `map` with concurrency or a pool stage: taken in and not yet given out means in flight. */
  readonly concurrent: boolean
}

/** @internal */
export interface Walk {
  graph: Graph
  sites: Site[]
  /** the node id of each object walked */
  ids: Map<unknown, string>
  /** every fused run walked, with or without steps */
  flows: Flow<unknown>[]
}

const feeds = new WeakMap<object, unknown[]>()

/**
 * Declare that `from` (a pipeline, usually ending in a sink that pushes into `into`) feeds its
 * elements back into `into` (a `pushable` upstream of it): a feedback loop, as in a web crawler
 * that pushes the links it finds back into its source. `graphOf` then has the edge, marked
 * `back`, and `toDot` draws it dashed. Returns `from`. (A closure that calls `into.push` cannot be
 * seen from outside, so the loop is declared rather than guessed.)
 * @param from - the pipeline whose output goes back into `into`
 * @param into - the source it goes back into
 * @example
 * ```ts
 * const source = pushable<string>()
 * const crawl = feedback(pipe(source, unique(), map(fetchLinks), flatten(), sink((url) => source.push(url))), source)
 * toDot(graphOf(crawl)) // ... s4 -> s0 [style=dashed, constraint=false]
 * ```
 */
export function feedback<P extends Pipeline>(from: P, into: AsyncIterable<unknown>): P {
  if (from === null || typeof from !== 'object') fail(TypeError, 'feedback', 'from', 'a pipeline', from)
  if (into === null || typeof into !== 'object') fail(TypeError, 'feedback', 'into', 'an AsyncIterable', into)
  const list = feeds.get(from)
  if (list === undefined) feeds.set(from, [into])
  else list.push(into)
  return from
}

const isObj = (x: unknown): x is object => x !== null && (typeof x === 'object' || typeof x === 'function')

/** What a plain source is called: `array`, `Set`, `generator`, the class name, or `source`. */
function sourceName(x: unknown): string {
  if (Array.isArray(x)) return 'array'
  if (!isObj(x)) return show(x)
  const tag = (x as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag]
  if (tag === 'AsyncGenerator' || tag === 'Generator') return 'generator'
  const c = (x as { constructor?: { name?: unknown } }).constructor?.name
  return typeof c === 'string' && c !== '' && c !== 'Object' ? c : 'source'
}

/**
 * Walk back from each pipeline to every source.
 * @internal
 */
/** The sync roots instrument() stood in for (the stand-in → the root), so the graph shows the root. @internal */
export const rootStandIns = new WeakMap<object, unknown>()

export function walk(pipelines: readonly unknown[]): Walk {
  const nodes: GraphNode[] = []
  const edges: GraphEdge[] = []
  const sites: Site[] = []
  const ids = new Map<unknown, string>()
  const flows = new Map<Flow<unknown>, string>()
  const visiting = new Set<unknown>()

  const add = (
    name: string,
    kind: NodeKind,
    inputs: readonly unknown[],
    extra: { desc?: Description; outputs?: object[]; flow?: Site['flow']; concurrent?: boolean } = {},
  ): string => {
    const from = inputs.map(visit)
    const node: GraphNode = { id: `s${nodes.length}`, name, kind }
    nodes.push(node)
    for (const f of from) edges.push({ from: f, to: node.id })
    sites.push({
      node,
      desc: extra.desc,
      outputs: extra.outputs ?? [],
      inputs: [...inputs],
      ...(extra.flow === undefined ? {} : { flow: extra.flow }),
      concurrent: extra.concurrent ?? false,
    })
    return node.id
  }

  const visit = (x: unknown): string => {
    const seen = ids.get(x)
    if (seen !== undefined) return seen
    if (!isObj(x)) {
      const id = add(sourceName(x), 'source', [])
      return id
    }
    if (visiting.has(x)) return add('(cycle)', 'source', []) // cannot be built, but never loop
    visiting.add(x)
    try {
      const rec = (x as { [UP]?: unknown })[UP]
      let id: string
      if (isObj(rec) && !Array.isArray(rec)) {
        const desc = rec as Description
        const shared = ids.get(desc)
        if (shared !== undefined) {
          ;(sites.find((s) => s.node.id === shared) as Site).outputs.push(x)
          id = shared
        } else {
          id = add(desc.name, desc.kind, desc.upstream ?? [], {
            desc,
            outputs: [x],
            concurrent: desc.concurrent === true,
          })
          ids.set(desc, id)
        }
      } else if (x instanceof Flow) id = visitFlow(x as Flow<unknown>)
      else if (Array.isArray(rec)) {
        const [fn, up, concurrency] = rec as [{ name?: string }, unknown, unknown]
        const named = typeof fn === 'function' && fn.name !== '' ? fn.name : undefined
        if (typeof concurrency === 'number')
          id = add(`map(${named ?? 'fn'})`, 'stage', [up], { outputs: [x], concurrent: true })
        else if (x instanceof Promise) id = add(named ?? 'sink', 'sink', [up], { outputs: [x] })
        else id = add(named ?? 'stage', 'stage', [up], { outputs: [x] })
      } else id = add(sourceName(x), 'source', [], { outputs: [x] })
      ids.set(x, id)
      return id
    } finally {
      visiting.delete(x)
    }
  }

  const visitFlow = (f: Flow<unknown>): string => {
    const known = flows.get(f)
    if (known !== undefined) return known
    let up: unknown = rootStandIns.get(f.root as object) ?? f.root
    let id = visit(up)
    f.ops.forEach((op: NamedOp, index) => {
      // each step reads the one before it; `up` stands for that step's output
      const prev = id
      const node: GraphNode = { id: `s${nodes.length}`, name: op.name, kind: 'stage' }
      nodes.push(node)
      edges.push({ from: prev, to: node.id })
      sites.push({ node, desc: undefined, outputs: [], inputs: [up], flow: { flow: f, index }, concurrent: false })
      up = { flowStep: index }
      id = node.id
    })
    flows.set(f, id)
    return id
  }

  for (const p of pipelines) visit(p)
  // declared feedback loops
  for (const [x, id] of [...ids]) {
    if (!isObj(x)) continue
    for (const into of feeds.get(x) ?? []) edges.push({ from: id, to: visit(into) })
  }
  markBackEdges(nodes, edges)
  return { graph: { nodes, edges }, sites, ids, flows: [...flows.keys()] }
}

/** Depth-first from the sources: an edge into a node still on the path closes a cycle. */
function markBackEdges(nodes: readonly GraphNode[], edges: GraphEdge[]): void {
  const out = new Map<string, GraphEdge[]>()
  const incoming = new Set<string>()
  for (const e of edges) {
    const l = out.get(e.from)
    if (l === undefined) out.set(e.from, [e])
    else l.push(e)
    incoming.add(e.to)
  }
  const state = new Map<string, 1 | 2>() // 1 on the path, 2 done
  const dfs = (id: string): void => {
    state.set(id, 1)
    for (const e of out.get(id) ?? []) {
      const s = state.get(e.to)
      if (s === 1) e.back = true
      else if (s === undefined) dfs(e.to)
    }
    state.set(id, 2)
  }
  for (const n of nodes) if (!incoming.has(n.id) && !state.has(n.id)) dfs(n.id)
  for (const n of nodes) if (!state.has(n.id)) dfs(n.id)
}

/**
 * The graph of a pipeline: every stage, source, sink and combinator it was built from, walked
 * back from what `pipe` returned (an iterable, or the promise of a sink) to every source, with
 * names from the functions given (`map(parse)`; a generator of your own is named after its
 * function). Pass an array to draw several pipelines that share sources (the branches of a
 * tee). Nothing is run or read. Built-in stages, sources and combinators describe themselves; a
 * stage of your own is seen when it was applied by `pipe`.
 * @param pipeline - what `pipe` returned, or an array of them
 * @example
 * ```ts
 * const g = graphOf(pipe([1, 2, 3], map(double), filter(isEven), toArray()))
 * g.nodes.map((n) => n.name) // ['array', 'map(double)', 'filter(isEven)', 'toArray']
 * g.edges // [{ from: 's0', to: 's1' }, { from: 's1', to: 's2' }, { from: 's2', to: 's3' }]
 * ```
 */
export function graphOf(pipeline: Pipeline | readonly Pipeline[]): Graph {
  const list = Array.isArray(pipeline) ? (pipeline as readonly unknown[]) : [pipeline]
  for (const [i, p] of list.entries())
    if (!isObj(p)) fail(TypeError, 'graphOf', list === pipeline ? `pipeline ${i}` : 'pipeline', 'a pipeline', p)
  return walk(list).graph
}
