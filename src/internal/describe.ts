/**
 * How a stage, source, sink or combinator tells `streamz-ts/see` what it is: one call on what
 * it returns. Nothing on the element path reads it; `graphOf` and `instrument` do.
 * @internal
 */
import { UP } from '../pipe/flow.js'

/** What kind of node a pipeline object is in the graph. */
export type NodeKind = 'source' | 'stage' | 'sink' | 'join' | 'split'

/** What `describe` records. */
export interface Description {
  /** The node's label, e.g. `buffer(4)` or `fromKafka(orders)`. */
  readonly name: string
  readonly kind: NodeKind
  /** The iterables this one reads (sources: none). */
  readonly upstream?: readonly unknown[]
  /** Items held here right now (a tee's buffer, a pushable's queue), read by `instrument`. */
  readonly waiting?: () => number
  /** Items taken in and not yet given out are waiting in a buffer (`buffer(n)`): `waiting` is in − out. */
  readonly buffers?: boolean
  /** Items taken in and not yet given out are calls in flight (`map` with concurrency, `poolMap`). */
  readonly concurrent?: boolean
}

/**
 * Record on `x` (what a stage, source, sink or combinator returns) what it is and what it reads,
 * and return `x`. Objects that share one description (the branches of a tee) are one node.
 * A primitive or frozen `x` keeps nothing.
 * @example
 * ```ts
 * return (source) => describe(interruptible(body), { name: `buffer(${n})`, kind: 'stage', upstream: [source] })
 * ```
 */
export function describe<T>(x: T, d: Description): T {
  try {
    ;(x as { [UP]?: unknown })[UP] = d
  } catch {
    // nothing to record on it
  }
  return x
}

/** `f`'s name for a label: `map(parse)`; `fn` for an anonymous function. */
export const nameOf = (f: { readonly name: string }): string => f.name || 'fn'

/**
 * `stage`, made to describe what it returns as a stage named `name` reading its source.
 * @example
 * ```ts
 * return describeStage(`buffer(${n})`, (source) => interruptible(body(source)), { buffers: true })
 * ```
 */
export function describeStage<A, B>(
  name: string,
  stage: (source: AsyncIterable<A>) => AsyncIterable<B>,
  extra: Omit<Description, 'name' | 'kind' | 'upstream'> = {},
): (source: AsyncIterable<A>) => AsyncIterable<B> {
  return (source) => describe(stage(source), { name, kind: 'stage', upstream: [source], ...extra })
}
