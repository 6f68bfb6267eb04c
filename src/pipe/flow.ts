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
export const DONE: unique symbol = Symbol('streamz-ts.done')
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

/** Objects that can push their elements into a Step themselves (Flow, pushable, merge). */
export const DRIVE: unique symbol = Symbol('streamz-ts.drive')
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
    typeof (x as Partial<AsyncIterable<T>>)[Symbol.asyncIterator] !== 'function' &&
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

function compose(ops: readonly NamedOp[], last: Step<any>): Step<any> {
  let step = last
  for (let i = ops.length - 1; i >= 0; i--) step = (ops[i] as NamedOp).op(step)
  return step
}

/** A root source followed by a run of fused built-in steps. */
export class Flow<T> implements Drivable<T> {
  constructor(
    readonly root: Source<unknown>,
    readonly ops: readonly NamedOp[],
  ) {}

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
  return (source) =>
    source instanceof Flow ? new Flow<B>(source.root, [...source.ops, named]) : new Flow<B>(source, [named])
}

/** Wrap any source as an AsyncIterable (a sync iterable becomes a Flow with no steps). */
export function toAsync<T>(source: Source<T>): AsyncIterable<T> {
  return isSyncOnly(source) ? new Flow<T>(source, []) : source
}

/** Push every element of `source` into `step`, then end it. The sinks use this. */
export function drive<T>(source: Source<T>, step: Step<T>): Promise<void> {
  return isDrivable<T>(source) ? source[DRIVE](step) : driveRoot(source, step)
}

async function driveRoot<T>(root: Source<T>, head: Step<T>): Promise<void> {
  if (isDrivable<T>(root)) return root[DRIVE](head)
  if (Array.isArray(root) && root[Symbol.iterator] === arrayIterator) return driveArray(root as T[], head)
  if (isSyncOnly(root)) {
    const it = root[Symbol.iterator]()
    // Run synchronously until a step returns a promise; await it, then go on. Closing the
    // iterator on a stop or a throw mirrors what for...of does in an unfused chain.
    for (;;) {
      let r: PushResult
      try {
        r = pushSync(it, head)
      } catch (e) {
        it.return?.()
        throw e
      }
      if (r === undefined) break
      if (r !== DONE) {
        try {
          r = await r
        } catch (e) {
          it.return?.()
          throw e
        }
      }
      if (r === DONE) {
        it.return?.()
        return
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

// eslint-disable-next-line @typescript-eslint/unbound-method
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

/** Push from `it` until it is exhausted (undefined) or a step returns DONE or a promise (returned). */
function pushSync<T>(it: Iterator<T>, head: Step<T>): PushResult {
  for (;;) {
    const n = it.next()
    if (n.done === true) return undefined
    const r = head.push(n.value)
    if (r !== undefined) return r
  }
}

async function* iterateFlow<T>(root: Source<unknown>, ops: readonly NamedOp[]): AsyncGenerator<T, void, undefined> {
  const out: T[] = []
  let outHead = 0
  const collector: Step<T> = {
    push(x) {
      out.push(x)
    },
    end() {},
  }
  const head = compose(ops, collector)
  if (isSyncOnly(root)) {
    for (const x of root) {
      let r = head.push(x)
      if (r !== undefined && r !== DONE) r = await r
      while (outHead < out.length) {
        const y = out[outHead++] as T
        if (outHead === out.length) out.length = outHead = 0
        yield y
      }
      if (r === DONE) return
    }
  } else {
    for await (const x of root) {
      let r = head.push(x)
      if (r !== undefined && r !== DONE) r = await r
      while (outHead < out.length) {
        const y = out[outHead++] as T
        if (outHead === out.length) out.length = outHead = 0
        yield y
      }
      if (r === DONE) return
    }
  }
  const r = head.end()
  if (r !== undefined && r !== DONE) await r
  for (let i = outHead; i < out.length; i++) yield out[i] as T
}
