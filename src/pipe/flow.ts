/**
 * The machinery the built-in operators share.
 *
 * Most built-in operators are written once, as a push-side `Step` (a transducer). A run of
 * adjacent built-in steps is kept in one `Flow` object so they execute as one loop:
 * - iterated with `for await`, a Flow is a single async generator over its root source;
 * - driven by a built-in sink, a Flow pushes straight from its root into the sink, so a
 *   sync source (an array) costs no promise per element at all.
 * Both paths run the same Step code, so behaviour is the same whether a user's own async
 * generator sits between two built-ins or not: only the number of promises differs.
 * @internal
 */
import type { Source } from './types.js'

/** Returned by `Step.push` when downstream wants nothing more: stop pulling and close the source. */
export const DONE: unique symbol = Symbol('done')
export type Done = typeof DONE
/** `undefined` to go on, `DONE` to stop, or a promise of either while downstream is busy. */
export type PushResult = void | Done | PromiseLike<void | Done>

/**
 * One push-side step of a pipeline. `push` and `end` must not be called again while a
 * returned promise is pending. `DONE` travels upstream only: a step that finishes on its own
 * (like `slice` past its end) first calls `down.end()`, so what is held below it is flushed,
 * then returns `DONE`, so the source is closed and `end()` is not called from above.
 */
export interface Step<A> {
  push(x: A): PushResult
  /** The source has ended: flush what is held (a partial partition) and pass the end on. */
  end(): PushResult
}

/** Makes the step for one run of a pipeline, given the step downstream of it. */
export type Op<A, B> = (down: Step<B>) => Step<A>

/** A named op, kept on a Flow so the pipeline can be described. */
export interface NamedOp {
  readonly name: string
  readonly op: Op<any, any>
}

/**
 * An op that also carries a `counting` variant: the same step, adding what it gives out to
 * `c.out`. `instrument()` uses it for a step that may drop elements, in place of a counting step
 * behind it; it is never used when not instrumented (and costs `pipe` + `map` bundles nothing).
 */
export type CountingOp<A, B> = Op<A, B> & { counting?: (down: Step<B>, c: { out: number }) => Step<A> }

/**
 * The key under which a stage's result keeps what it was made from, for `streamz-ts/see`:
 * `pipe` sets `[stage, upstream]` (unless set), `describe` (src/internal/describe.ts) sets a
 * description object. Read only by the see subpath; nothing on the element path looks at it.
 */
export const UP: unique symbol = Symbol()

/** `Symbol.asyncIterator`, under a name that minifies (this file and pipe/map are in every bundle). */
export const AI: typeof Symbol.asyncIterator = Symbol.asyncIterator

/** Objects that can push their elements into a Step themselves (Flow, pushable, merge). */
export const DRIVE: unique symbol = Symbol('drive')
export interface Drivable<T> extends AsyncIterable<T> {
  [DRIVE](step: Step<T>): Promise<void>
}

export function isPromiseLike(x: unknown): x is PromiseLike<unknown> {
  return (
    x !== null &&
    (typeof x === 'object' || typeof x === 'function') &&
    typeof (x as { then?: unknown }).then === 'function'
  )
}

export function isDrivable<T>(x: unknown): x is Drivable<T> {
  return x !== null && typeof x === 'object' && DRIVE in x
}

/** True for an iterable that has no async iterator (arrays, Sets, sync generators). */
export function isSyncOnly<T>(x: Source<T>): x is Iterable<T> {
  return (
    typeof (x as Partial<AsyncIterable<T>>)[AI] !== 'function' &&
    typeof (x as Partial<Iterable<T>>)[Symbol.iterator] === 'function'
  )
}

export function isIterableSource(x: unknown): x is Source<unknown> {
  return (
    x !== null &&
    x !== undefined &&
    (typeof (x as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function' ||
      typeof (x as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function')
  )
}

export function compose(ops: readonly NamedOp[], last: Step<any>): Step<any> {
  let step = last
  for (let i = ops.length - 1; i >= 0; i--) step = (ops[i] as NamedOp).op(step)
  return step
}

/** A root source followed by a run of fused built-in steps. */
export class Flow<T> implements Drivable<T> {
  // declared and assigned rather than parameter properties: no field definitions in the bundle
  declare readonly root: Source<unknown>
  declare readonly ops: readonly NamedOp[]
  constructor(root: Source<unknown>, ops: readonly NamedOp[]) {
    this.root = root
    this.ops = ops
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return iterateFlow<T>(this.root, this.ops)
  }

  [DRIVE](step: Step<T>): Promise<void> {
    return driveRoot(this.root, compose(this.ops, step))
  }
}

/** Turn a push-side op into a stage that fuses with the built-in stages around it. */
export function fuse<A, B>(name: string, op: Op<A, B>): (source: AsyncIterable<A>) => AsyncIterable<B> {
  const named: NamedOp = { name, op }
  // a subclass of Flow (one whose source carries acks) stays that subclass as steps join it
  return (source) =>
    source instanceof Flow
      ? new (source.constructor as typeof Flow<B>)(source.root, [...source.ops, named])
      : new Flow<B>(source, [named])
}

/** Wrap any source as an AsyncIterable (a sync iterable becomes a Flow with no steps). */
export function toAsync<T>(source: Source<T>): AsyncIterable<T> {
  return isSyncOnly(source) ? new Flow<T>(source, []) : source
}

/** Push every element of `source` into `step`, then end it. The sinks use this. */
export function drive<T>(source: Source<T>, step: Step<T>): Promise<void> {
  return isDrivable<T>(source) ? source[DRIVE](step) : driveRoot(source, step)
}

export async function driveRoot<T>(root: Source<T>, head: Step<T>): Promise<void> {
  if (isDrivable<T>(root)) return root[DRIVE](head)
  if (Array.isArray(root) && root[Symbol.iterator] === arrayIterator) return driveArray(root as T[], head)
  if (isSyncOnly(root)) {
    // for...of closes the iterator on return and on throw, exactly as an unfused chain would
    for (const x of root) {
      let r = head.push(x)
      if (r !== undefined) {
        if (r !== DONE) r = await r
        if (r === DONE) return
      }
    }
  } else {
    for await (const x of root) {
      let r = head.push(x)
      if (r !== undefined) {
        if (r !== DONE) r = await r
        if (r === DONE) return
      }
    }
  }
  const r = head.end()
  if (r !== undefined && r !== DONE) await r
}

const arrayIterator = Array.prototype[Symbol.iterator]

/** An array with its own iterator: index it, reading `length` each step as the iterator would. */
async function driveArray<T>(arr: readonly T[], head: Step<T>): Promise<void> {
  let i = 0
  for (;;) {
    let r: PushResult = undefined
    while (i < arr.length) {
      r = head.push(arr[i++] as T)
      if (r !== undefined) break
    }
    if (r === undefined) break
    if (r !== DONE) r = await r
    if (r === DONE) return
  }
  const r = head.end()
  if (r !== undefined && r !== DONE) await r
}

/** The result of a finished iterator, shared (frozen) by every built-in iterator. */
export const DONE_RESULT: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true })

/**
 * A Flow read with `for await`: one root element at a time goes through the steps into
 * `out`, and `next()` hands out what came through. Calls of `next()` made before the
 * previous one settled run in turn, as with an async generator. (Closures rather than a
 * class: local names minify, which keeps a serverless bundle of `pipe` + `map` small.)
 */
export function iterateFlow<T>(root: Source<unknown>, ops: readonly NamedOp[]): AsyncIterator<T> {
  const out: T[] = []
  let i = 0
  let it: Iterator<unknown> | AsyncIterator<unknown> | undefined
  let head: Step<unknown>
  let sync = false
  let over = false // the root is finished or closed: nothing more goes into the steps
  let running = 0
  let last: Promise<IteratorResult<T>>

  const close = async (): Promise<void> => {
    if (over) return
    over = true
    await it?.return?.()
  }

  const step = async (): Promise<IteratorResult<T>> => {
    try {
      for (;;) {
        if (i < out.length) {
          const value = out[i++] as T
          if (i === out.length) out.length = i = 0
          return { value, done: false }
        }
        if (over) return DONE_RESULT
        if (it === undefined) {
          head = compose(ops, { push: (x) => void out.push(x as T), end() {} })
          sync = isSyncOnly(root)
          it = sync ? (root as Iterable<unknown>)[Symbol.iterator]() : (root as AsyncIterable<unknown>)[AI]()
        }
        let n: IteratorResult<unknown>
        try {
          n = sync ? (it as Iterator<unknown>).next() : await it.next()
        } catch (e) {
          over = true // a failed next() finishes the root, as in for...of
          throw e
        }
        if (over) return DONE_RESULT // return() was called while the root was being read
        let r: PushResult
        try {
          if (n.done === true) {
            over = true
            r = head.end()
          } else r = head.push(n.value)
          if (r !== undefined && r !== DONE) r = await r
        } catch (e) {
          await close()
          throw e
        }
        if (r === DONE) await close()
      }
    } finally {
      running--
    }
  }

  return {
    next() {
      last = running++ === 0 ? step() : last.then(step, step)
      return last
    },
    async return() {
      out.length = i = 0
      await close()
      return DONE_RESULT
    },
  }
}
