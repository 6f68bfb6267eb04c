import {
  AI,
  DONE,
  DRIVE,
  Flow,
  isPromiseLike,
  isSyncOnly,
  type NamedOp,
  type CountingOp,
  type PushResult,
  type Step,
} from '../pipe/flow.js'
import { TRY_NEXT, hasProbe } from '../operators/zip.js'
import { checkObject, fail } from '../internal/check.js'
import type { Clock } from '../internal/clock.js'
import { toMs } from '../internal/duration.js'
import { rootStandIns, walk, type Graph, type Pipeline, type Site } from './graph.js'

/**
 * The live figures of one node of an instrumented pipeline.
 * @example
 * ```ts
 * const f: StageFigures = instrument(stream).snapshot().stages[1]
 * console.log(`${f.name}: ${f.out} out, ${f.rate.toFixed(1)}/s`)
 * ```
 */
export interface StageFigures {
  /** The node's id in the graph (`s0`, `s1`, …). */
  id: string
  name: string
  /** Elements taken in (for a join: from all its sources; a source: 0). */
  in: number
  /** Elements given out (for a tee: to all its branches together). */
  out: number
  /** Elements given out per second over the last few seconds (`options.window`). */
  rate: number
  /**
   * Time spent in this node, in ms: for a fused step, the time in its function (read off whole
   * stretches of pushes by the loop that reads a sync source, or sampled: one element in 256 is
   * timed, and the total is scaled up); for other stages, the time their
   * `next()` calls were pending less the time they waited on the stage before them; for a
   * source, the time its reader waited on it.
   */
  busyMs: number
  /** Elements held here now: a tee's buffer, a pushable's queue, `buffer(n)`'s queue. */
  waiting: number
  /** Calls in flight now: `map` with `concurrency`, `poolMap` (taken in and not yet given out). */
  inFlight: number
}

/**
 * The figures of every node at one moment: a plain object, ready for JSON.
 * @example
 * ```ts
 * const s: Snapshot = instrumented.snapshot()
 * JSON.stringify(s) // '{"at":1732224000000,"stages":[{"id":"s0",...}]}'
 * ```
 */
export interface Snapshot {
  /** When: `Date.now()` (or `options.clock.now()` when a clock is given). */
  at: number
  stages: StageFigures[]
}

/**
 * An instrumented pipeline, from {@link instrument}.
 * @example
 * ```ts
 * const seen: Instrumented = instrument(stream)
 * setInterval(() => console.log(seen.snapshot()), 5000)
 * ```
 */
export interface Instrumented {
  /** The figures now. */
  snapshot(): Snapshot
  /** The pipeline's graph; its node ids are the snapshot's. */
  readonly graph: Graph
  /** Stop taking the rate history; counting goes on at no extra cost, `snapshot()` still works. */
  stop(): void
}

/** Options for {@link instrument}. */
export interface InstrumentOptions {
  /** Over how long `rate` is measured (default `'5s'`): milliseconds or a duration string. */
  window?: number | string
  /** The clock for rates and `at` (default the real clock; a `FakeClock` in tests). */
  clock?: Clock
}

/** What one node counts. */
interface Counter {
  in: number
  out: number
  /** ms its next() calls were pending (pulled nodes) */
  pending: number
  /** fused steps: sampled inclusive ms and how many pushes were sampled */
  incl: number
  sampled: number
  /** counting steps of runs under way: what they took since they last added to `in` */
  parts: Set<{ readonly k: number }>
}

// the time fields start as doubles (-0, not 0): the first time added to a field that held a small
// integer would change the counters' shape mid-run, and V8 would drop the optimized loop that counts
const counter = (): Counter => ({ in: 0, out: 0, pending: -0, incl: -0, sampled: 0, parts: new Set() })
const now = (): number => performance.now()
/** A counting step adds to its counter once in this many pushes, and times that push. */
const EVERY = 256

/** What a counter's node took in, the runs under way included. */
function inOf(c: Counter): number {
  let n = c.in
  for (const p of c.parts) n += EVERY - p.k
  return n
}

/**
 * A counting step in front of a fused step. Per push it only counts down a field of its own; every
 * EVERY-th push adds EVERY to the counter and is timed (the sample `busyMs` is scaled up from). A class,
 * so that every instance shares one `push`: the run's call sites stay monomorphic however many pipelines
 * are instrumented.
 */
class Counted implements Step<unknown> {
  k = EVERY
  constructor(
    private readonly inner: Step<unknown>,
    private readonly c: Counter,
  ) {
    c.parts.add(this)
  }

  push(x: unknown): PushResult {
    return --this.k !== 0 ? this.inner.push(x) : this.timed(x)
  }

  private timed(x: unknown): PushResult {
    const c = this.c
    this.k = EVERY
    c.in += EVERY
    const t = now()
    const r = this.inner.push(x)
    c.sampled++
    if (isPromiseLike(r))
      return r.then((v) => {
        c.incl += now() - t
        return v
      })
    c.incl += now() - t
    return r
  }

  end(): PushResult {
    this.c.in += EVERY - this.k
    this.k = EVERY
    this.c.parts.delete(this)
    return this.inner.end()
  }
}

/**
 * The same as {@link Counted}, for counting steps after the first of a run: a second class, so that
 * the first step's call site and the later ones each see one class (V8 inlines a monomorphic push).
 */
class CountedInner implements Step<unknown> {
  k = EVERY
  constructor(
    private readonly inner: Step<unknown>,
    private readonly c: Counter,
  ) {
    c.parts.add(this)
  }

  push(x: unknown): PushResult {
    return --this.k !== 0 ? this.inner.push(x) : this.timed(x)
  }

  private timed(x: unknown): PushResult {
    const c = this.c
    this.k = EVERY
    c.in += EVERY
    const t = now()
    const r = this.inner.push(x)
    c.sampled++
    if (isPromiseLike(r))
      return r.then((v) => {
        c.incl += now() - t
        return v
      })
    c.incl += now() - t
    return r
  }

  end(): PushResult {
    this.c.in += EVERY - this.k
    this.k = EVERY
    this.c.parts.delete(this)
    return this.inner.end()
  }
}

/** Behind the last fused step of a run: counts what the run gives out. */
class Tail implements Step<unknown> {
  constructor(
    private readonly down: Step<unknown>,
    private readonly c: Counter,
  ) {}

  push(x: unknown): PushResult {
    this.c.out++
    return this.down.push(x)
  }

  end(): PushResult {
    return this.down.end()
  }
}

/**
 * Stands in for the sync root (an array, a Set, any Iterable) of an instrumented Flow, so that what the
 * first step takes in is counted by the loop that reads the root, with no step put in front of it: the
 * fused run keeps its shape and its inlining. The loop adds to the counter whenever it stops (to await a
 * push, or at the end), which is the only time a snapshot can look, and times whole runs of pushes (two
 * clock reads per stop, none per element).
 */
class CountingRoot {
  constructor(
    readonly root: Iterable<unknown>,
    private readonly c: Counter,
  ) {}

  [Symbol.iterator](): Iterator<unknown> {
    const it = this.root[Symbol.iterator]()
    const c = this.c
    const w: Iterator<unknown> = {
      next() {
        const r = it.next()
        if (r.done !== true) c.in++
        return r
      },
    }
    if (typeof it.return === 'function')
      w.return = (v?: unknown) => (it.return as (v?: unknown) => IteratorResult<unknown>)(v)
    return w
  }

  [DRIVE](head: Step<unknown>): Promise<void> {
    const root = this.root
    return Array.isArray(root) && root[Symbol.iterator] === ARRAY_ITERATOR
      ? countArray(root as readonly unknown[], head, this.c)
      : countIterable(root, head, this.c)
  }
}

/**
 * The loop of a {@link CountingRoot} over an array, kept small (as flow.ts's `driveArray`) so that it is
 * optimized as soon: it adds what the first step took to the counter, and the time the run of pushes took,
 * only when it stops (to await a push, or at the end).
 */
async function countArray(arr: readonly unknown[], head: Step<unknown>, c: Counter): Promise<void> {
  let i = 0
  let counted = 0
  let t = now()
  try {
    for (;;) {
      let r: PushResult = undefined
      while (i < arr.length) {
        r = head.push(arr[i++])
        if (r !== undefined) break
      }
      if (r === undefined) break
      counted = stopAt(c, t, i, counted)
      if (r !== DONE) r = await timedAwait(r, c)
      if (r === DONE) return
      t = now()
    }
    counted = stopAt(c, t, i, counted)
    await endRun(head, c)
  } finally {
    if (i !== counted) stopAt(c, t, i, counted)
  }
}

/** The same for any other sync iterable. */
async function countIterable(root: Iterable<unknown>, head: Step<unknown>, c: Counter): Promise<void> {
  let i = 0
  let counted = 0
  let t = now()
  try {
    for (const x of root) {
      i++
      let r = head.push(x)
      if (r !== undefined) {
        counted = stopAt(c, t, i, counted)
        if (r !== DONE) r = await timedAwait(r, c)
        if (r === DONE) return
        t = now()
      }
    }
    counted = stopAt(c, t, i, counted)
    await endRun(head, c)
  } finally {
    if (i !== counted) stopAt(c, t, i, counted)
  }
}

/** End the steps of a run, adding the time it takes. */
async function endRun(head: Step<unknown>, c: Counter): Promise<void> {
  const t = now()
  const r = head.end()
  if (r !== undefined && r !== DONE) await r
  c.incl += now() - t
}

/** What a counting loop's steps took since `counted`, and the time since `t`; returns the new `counted`. */
function stopAt(c: Counter, t: number, i: number, counted: number): number {
  c.incl += now() - t
  c.sampled += i - counted
  c.in += i - counted
  return i
}

async function timedAwait(r: PromiseLike<void | typeof DONE>, c: Counter): Promise<void | typeof DONE> {
  const t = now()
  try {
    return await r
  } finally {
    c.incl += now() - t
  }
}

const ARRAY_ITERATOR = Array.prototype[Symbol.iterator]

/** Put a {@link CountingRoot} counting into `c` in place of the Flow's sync root. */
function standIn(flow: Flow<unknown>, c: Counter): void {
  const stand = new CountingRoot(flow.root as Iterable<unknown>, c)
  rootStandIns.set(stand, flow.root)
  ;(flow as { root: unknown }).root = stand
}

/**
 * Steps that give out exactly one element for each one they take in. No counting step is put
 * behind them: what the next step takes in is what they took in. (Every step put between two
 * fused steps costs: in W1, a counting step behind each of three steps doubled the time.) Nor
 * behind a step with a `counting` variant (`filter`), which counts what it gives out itself.
 */
const ONE_TO_ONE = /^(map|pluck|starmap|accumulate)\(|^(frequencies|signal|count)$/

/**
 * Where the counts of one fused run come from: `layer[i]` is true when a counting step sits in
 * front of step i (the first step, and each step after one that may drop or batch elements);
 * `tail` when one sits behind the last step (it may drop or batch).
 */
function plan(ops: readonly NamedOp[]): { layer: boolean[]; tail: boolean; own: boolean[] } {
  const own = ops.map((o) => (o.op as CountingOp<unknown, unknown>).counting !== undefined)
  // a step whose count of what it gives out is known: one for one, or one that counts it itself
  const known = ops.map((o, i) => ONE_TO_ONE.test(o.name) || (own[i] as boolean))
  return {
    layer: ops.map((_, i) => i === 0 || !(known[i - 1] as boolean)),
    tail: !(known[ops.length - 1] ?? true),
    own,
  }
}

/** The ops of one Flow, wrapped to count as `plan` says. */
function countOps(ops: readonly NamedOp[], counters: readonly Counter[], rootCounts: boolean): NamedOp[] {
  const { layer, tail } = plan(ops)
  if (rootCounts) layer[0] = false
  return ops.map((named, i): NamedOp => {
    const c = counters[i] as Counter
    const last = i === ops.length - 1
    const counting = (named.op as CountingOp<unknown, unknown>).counting
    return {
      name: named.name,
      op: (down: Step<unknown>) => {
        const step: Step<unknown> =
          counting !== undefined ? counting(down, c) : named.op(last && tail ? new Tail(down, c) : down)
        return layer[i] === true ? new (i === 0 ? Counted : CountedInner)(step, c) : step
      },
    }
  })
}

/** An iterator that counts what it hands out and how long its `next()` calls are pending. */
function countIterator<T>(it: AsyncIterator<T>, c: Counter, edge: { n: number }): AsyncIterator<T> {
  const got = (r: IteratorResult<T>): void => {
    if (r.done !== true) {
      c.out++
      edge.n++
    }
  }
  const w: AsyncIterator<T> & { [TRY_NEXT]?: () => IteratorResult<T> | undefined } = {
    next(...args: [] | [unknown]) {
      const t = now()
      return it.next(...args).then((r) => {
        c.pending += now() - t
        got(r)
        return r
      })
    },
    return(value?: unknown) {
      return it.return?.(value) ?? Promise.resolve({ done: true, value: value as T })
    },
  }
  if (hasProbe<T>(it))
    w[TRY_NEXT] = () => {
      const r = it[TRY_NEXT]()
      if (r !== undefined) got(r)
      return r
    }
  return w
}

type Patchable = Record<PropertyKey, unknown>

/**
 * Count, per node, what goes in and out of a pipeline, how long each node works, what waits in
 * its buffers and what is in flight — opt in, and free when not used: the pipeline's usual
 * code is untouched until `instrument` wraps it. Call it on the pipeline **before it runs**:
 * on the iterable `pipe` returned, before the first `next()` and before a sink is attached
 * (a sink starts the pipeline at once, so a Promise is refused):
 * `const s = pipe(...); const seen = instrument(s); await pipe(s, sink(f))`.
 * Fused built-in steps get counting steps in their place; other stages, sources and tee
 * branches have their iterators wrapped (one promise callback per element). An array given
 * straight to `merge` or `zip` is not counted.
 * @param pipeline - the iterable `pipe` returned, not yet iterated; or an array of them (the
 *   branches of a tee, each before its sink), seen as one graph
 * @param options - `{ window = '5s', clock }`
 * @example
 * ```ts
 * const stream = pipe(source, map(parse), filter(isValid))
 * const seen = instrument(stream)
 * const done = pipe(stream, sink(save))
 * setInterval(() => console.table(seen.snapshot().stages), 5000)
 * ```
 */
export function instrument(pipeline: Pipeline | readonly Pipeline[], options: InstrumentOptions = {}): Instrumented {
  const list: readonly unknown[] = Array.isArray(pipeline) ? pipeline : [pipeline]
  for (const p of list) {
    if (isThenable(p))
      throw new TypeError(
        'instrument: the pipeline is a Promise: its sink started it already. Instrument the stream before the sink: ' +
          'const s = pipe(...); const seen = instrument(s); await pipe(s, sink(f))',
      )
    if (p === null || typeof p !== 'object' || typeof (p as Patchable)[AI] !== 'function')
      fail(TypeError, 'instrument', 'pipeline', 'an AsyncIterable from pipe', p)
  }
  checkObject('instrument', 'options', options)
  const windowMs = toMs('instrument', 'window', options.window ?? 5000)
  const clock = options.clock
  const w = walk(list)
  const counters = new Map<Site, Counter>(w.sites.map((s) => [s, counter()]))
  const edges = new Map<unknown, { n: number }>()
  /** sources that cannot be wrapped (arrays): what the first step of their Flow took in */
  const rootCounts = new Map<Site, Counter>()
  const siteOf = new Map(w.sites.map((s) => [s.node.id, s]))

  // fused runs: swap each Flow's ops for counting ones
  const flows = new Map<Flow<unknown>, Site[]>()
  const originalOps = new Map<Flow<unknown>, readonly NamedOp[]>()
  for (const s of w.sites)
    if (s.flow !== undefined) {
      const l = flows.get(s.flow.flow)
      if (l === undefined) flows.set(s.flow.flow, [s])
      else l.push(s)
    }
  for (const [flow, steps] of flows) {
    const cs = steps.map((s) => counters.get(s) as Counter)
    originalOps.set(flow, flow.ops)
    const rootId = w.ids.get(flow.root)
    const root = rootId === undefined ? undefined : siteOf.get(rootId)
    // a sync root (an array) is read by the loop that drives the steps: it counts what the first step
    // takes in, and what it gave is what that step took
    const countingRoot = isSyncOnly(flow.root) && !(flow.root instanceof CountingRoot)
    ;(flow as { ops: readonly NamedOp[] }).ops = countOps(flow.ops, cs, countingRoot)
    if (countingRoot) standIn(flow, cs[0] as Counter)
    if (root !== undefined && isSyncOnly(flow.root)) rootCounts.set(root, cs[0] as Counter)
  }

  // a sync source read with no steps after it (an array given to merge or map with concurrency):
  // the same stand-in counts what is read from it
  for (const flow of w.flows) {
    if (flow.ops.length > 0 || !isSyncOnly(flow.root)) continue
    const rootId = w.ids.get(flow.root)
    const root = rootId === undefined ? undefined : siteOf.get(rootId)
    if (root === undefined) continue
    const c = counter()
    standIn(flow, c)
    rootCounts.set(root, c)
  }

  // everything else: wrap the iterators (and the push side, for a sink that drives them)
  for (const s of w.sites) {
    if (s.flow !== undefined) continue
    const c = counters.get(s) as Counter
    for (const o of s.outputs) {
      if (o instanceof Promise || o instanceof Flow) continue
      const edge = { n: 0 }
      edges.set(o, edge)
      const p = o as Patchable
      const iterate = p[AI]
      if (typeof iterate === 'function')
        p[AI] = function (this: unknown) {
          return countIterator(iterate.call(this) as AsyncIterator<unknown>, c, edge)
        }
      const drive = p[DRIVE]
      if (typeof drive === 'function')
        p[DRIVE] = function (this: unknown, step: Step<unknown>): Promise<void> {
          return (drive as (s: Step<unknown>) => Promise<void>).call(this, {
            push(x: unknown) {
              c.out++
              edge.n++
              return step.push(x)
            },
            end: () => step.end(),
          })
        }
    }
  }

  /** How many elements went along the edge out of `x`. */
  const edgeCount = (x: unknown): number => {
    const e = edges.get(x)
    if (e !== undefined) return e.n
    const id = w.ids.get(x)
    const s = id === undefined ? undefined : siteOf.get(id)
    return s === undefined ? 0 : outOf(s)
  }
  const outOf = (s: Site): number => {
    const c = counters.get(s) as Counter
    const root = rootCounts.get(s)
    return root !== undefined ? inOf(root) : c.out
  }

  const flowSteps = [...flows.values()].map((steps) => {
    const f = (steps[0] as Site).flow?.flow as Flow<unknown>
    return { steps, ...plan(originalOps.get(f) as readonly NamedOp[]) }
  })
  const figures = (): StageFigures[] => {
    // fused steps: what a step gives out is what the next one takes in
    const in_ = new Map<Site, number>()
    const out = new Map<Site, number>()
    const busy = new Map<Site, number>()
    for (const { steps, layer, tail, own } of flowSteps) {
      const cs = steps.map((s) => counters.get(s) as Counter)
      // what step i took in: its own count, or what the step before it gave out (it counted that
      // itself, or it gives one for one)
      const ins: number[] = []
      cs.forEach((c, i) =>
        ins.push(layer[i] === true ? inOf(c) : own[i - 1] === true ? (cs[i - 1] as Counter).out : (ins[i - 1] ?? 0)),
      )
      // time from a counting step down to the end of the run (sampled, scaled up)
      const est = cs.map((c, i) => (layer[i] === true && c.sampled > 0 ? (c.incl * inOf(c)) / c.sampled : undefined))
      steps.forEach((s, i) => {
        const c = cs[i] as Counter
        in_.set(s, ins[i] as number)
        // what it gave out: what the next step took, else (the last step) its own count or what it took
        const next = i + 1 < steps.length ? ins[i + 1] : tail || own[i] === true ? c.out : ins[i]
        out.set(s, next as number)
        // a step with a counting step in front gets the time down to the next counting step
        let busyMs = 0
        const mine = est[i]
        if (mine !== undefined) {
          let j = i + 1
          while (j < steps.length && layer[j] !== true) j++
          busyMs = Math.max(0, mine - (est[j] ?? 0))
        }
        busy.set(s, busyMs)
      })
    }
    return w.sites.map((s) => {
      const c = counters.get(s) as Counter
      const isFused = s.flow !== undefined
      const taken = isFused ? (in_.get(s) as number) : s.inputs.reduce<number>((n, x) => n + edgeCount(x), 0)
      const given = isFused ? (out.get(s) as number) : outOf(s)
      const upPending = s.inputs.reduce<number>((n, x) => {
        const id = w.ids.get(x)
        const u = id === undefined ? undefined : siteOf.get(id)
        return n + (u === undefined || u.flow !== undefined ? 0 : (counters.get(u) as Counter).pending)
      }, 0)
      const desc = s.desc
      const held = Math.max(0, taken - given)
      return {
        id: s.node.id,
        name: s.node.name,
        in: taken,
        out: given,
        rate: 0,
        busyMs: isFused ? (busy.get(s) as number) : Math.max(0, c.pending - upPending),
        waiting: desc?.waiting !== undefined ? desc.waiting() : desc?.buffers === true ? held : 0,
        inFlight: s.concurrent ? held : 0,
      }
    })
  }

  // the rate: out now against the oldest record within the window
  const t0 = (): number => (clock === undefined ? now() : clock.now())
  const history: { t: number; out: Map<string, number> }[] = [{ t: t0(), out: new Map() }]
  let stopped = false
  return {
    graph: w.graph,
    snapshot(): Snapshot {
      const t = t0()
      const stages = figures()
      let base = history[0] as (typeof history)[number]
      for (const h of history) if (h.t <= t - windowMs) base = h
      const dt = (t - base.t) / 1000
      for (const f of stages) f.rate = dt > 0 ? Math.max(0, (f.out - (base.out.get(f.id) ?? 0)) / dt) : 0
      if (!stopped) {
        history.push({ t, out: new Map(stages.map((f) => [f.id, f.out])) })
        // keep one record older than the window, drop the rest of the old ones
        while (history.length > 2 && (history[1] as (typeof history)[number]).t <= t - windowMs) history.shift()
      }
      return { at: clock === undefined ? Date.now() : t, stages }
    },
    stop() {
      stopped = true
    },
  }
}

/**
 * The same test as flow.ts's `isPromiseLike`, kept apart: called here on pipeline objects of every
 * kind, it would feed the shared one shapes it never sees on the element path, and V8 would drop the
 * optimized code that the running pipeline's steps use (with the shared one, `--trace-deopt` shows
 * `isPromiseLike` deoptimized in 48 of 50 instrumented W1 runs; with this one, in none).
 */
function isThenable(x: unknown): boolean {
  return (
    x !== null &&
    (typeof x === 'object' || typeof x === 'function') &&
    typeof (x as { then?: unknown }).then === 'function'
  )
}
