/**
 * Acknowledgements that ride along with elements, for at-least-once sources (Kafka).
 * (Exported from `streamz-ts`: ACK, Ack, withAck, ackOf, holdAck, ackAll, carryAcks, carriesAcks.)
 *
 * An acked source attaches an `Ack` to each element object under the `ACK` symbol (see
 * {@link withAck}) and marks the iterable it returns with {@link carryAcks}. The built-in fused
 * operators applied to a marked iterable (map, filter, pluck, starmap, accumulate, unique, slice,
 * partition, slidingWindow, frequencies) then carry each source element's ack to what it becomes,
 * without looking at the values, so numbers and strings work as well as objects:
 * - an element dropped by a step (filter, unique, slice) is acknowledged once the step is done with it;
 * - an element a step maps to another is acknowledged when that result is done;
 * - a batch (partition, slidingWindow) is done when downstream is done with it, and then acks
 *   every element it took in;
 * - a sink (`sink`, `toArray`, any sink that drives its source) acks an element once its function
 *   has resolved; in a `for await` loop, an object carries its ack for the loop to call
 *   (`ackOf(x)?.()`), and a number or string is acknowledged when the loop asks for the next one.
 * Where a stage that is not fused reads a marked iterable (timedWindow, partition with a timeout,
 * flatten, a user's generator), it reads it as a `for await` loop does: each element object carries
 * its ack (`ackOf(x)`) and the stage passes it on (`withAck(out, ackOf(x))`) or calls it.
 */
import { DRIVE, Flow, type NamedOp, type Step, compose, driveRoot, isPromiseLike, iterateFlow } from '../pipe/flow.js'

/**
 * The symbol under which an element keeps its acknowledgement (`Symbol.for('streamz-ts.ack')`).
 * Use {@link withAck} and {@link ackOf} rather than reading it directly.
 * @example
 * ```ts
 * const r = withAck({ offset: 7 }, commit)
 * typeof r[ACK] // 'function'
 * ```
 */
export const ACK: unique symbol = Symbol.for('streamz-ts.ack') as never

/**
 * Acknowledge one element: it has been fully handled and may be committed. Idempotent.
 * @example
 * ```ts
 * const ack: Ack = () => tracker.done(offset)
 * ```
 */
export type Ack = () => void

const isObject = (x: unknown): x is object => x !== null && (typeof x === 'object' || typeof x === 'function')

/** Acks taken over with holdAck: a `for await` terminal does not call them on its next pull. */
const held = new WeakSet<Ack>()

/** `ack`, made safe to call more than once. */
function once(ack: Ack): Ack {
  let done = false
  return () => {
    if (done) return
    done = true
    ack()
  }
}

/**
 * Attach `ack` to `value` (an object or array) as a hidden, non-enumerable property and return
 * `value`. The ack runs at most once, however often it is called. A source that delivers at least
 * once does this for each element; a generator of your own that turns one element into another
 * carries the ack over with `withAck(out, ackOf(input))`.
 * @param value - the element, an object or array
 * @param ack - called once the element is done
 * @example
 * ```ts
 * async function* parse(source: AsyncIterable<KafkaRecord>) {
 *   for await (const r of source) {
 *     const a = ackOf(r)
 *     const out = JSON.parse(r.value.toString())
 *     yield a === undefined ? out : withAck(out, a)
 *   }
 * }
 * ```
 */
export function withAck<T extends object>(value: T, ack: Ack): T {
  Object.defineProperty(value, ACK, { value: once(ack), configurable: true, enumerable: false, writable: true })
  return value
}

/**
 * The ack an element carries, or `undefined` (always for a number, string or other primitive).
 * @param value - any element
 * @example
 * ```ts
 * for await (const r of fromKafka(['orders'], config)) {
 *   await save(r)
 *   ackOf(r)?.() // the same as r.ack()
 * }
 * ```
 */
export function ackOf(value: unknown): Ack | undefined {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined
  const a = (value as { [ACK]?: unknown })[ACK]
  return typeof a === 'function' ? (a as Ack) : undefined
}

/**
 * Take over the ack of an element that a stage keeps beyond its next pull (a window, a buffer),
 * or that a sink keeps beyond its `push` (a sink that writes in batches): the stage that handed it
 * over will not acknowledge it, and the caller must call the returned ack once the element is done
 * (a stage usually attaches it to what it emits). In a sink's `push`, this works for numbers and
 * strings too; elsewhere only an object can carry an ack. `undefined` when there is none.
 * @param value - the element being kept
 * @example
 * ```ts
 * async function* pairs<T extends object>(source: AsyncIterable<T>) {
 *   let first: T | undefined
 *   for await (const x of source) {
 *     if (first === undefined) {
 *       first = x
 *       holdAck(x) // kept past the next pull: its ack now goes with the pair
 *     } else {
 *       yield withAck([first, x], ackAll([ackOf(first), ackOf(x)]))
 *       first = undefined
 *     }
 *   }
 * }
 * ```
 */
export function holdAck(value: unknown): Ack | undefined {
  const a = pushing !== undefined && Object.is(pushing.value, value) ? pushing.ack : ackOf(value)
  if (a !== undefined) held.add(a)
  return a
}

/**
 * The element a sink's `push` is being called with, and its ack, while that call runs: so that a
 * sink that keeps elements past its push (batching them, as toKafka does) can hold the ack of a
 * number or string too. Set and cleared synchronously around the call, so runs never mix.
 */
let pushing: { value: unknown; ack: Ack } | undefined

/**
 * One ack for several: calls each of `acks` (skipping undefined) when called.
 * @param acks - the acks to combine
 * @example
 * ```ts
 * withAck(batch, ackAll(batch.map(ackOf)))
 * ```
 */
export function ackAll(acks: readonly (Ack | undefined)[]): Ack {
  return () => {
    for (const a of acks) a?.()
  }
}

/**
 * True when `source` was marked with {@link carryAcks} (or is built-in steps on such a source).
 * @param source - any iterable
 * @example
 * ```ts
 * carriesAcks(pipe(fromKafka(['t'], config), map(parse))) // true
 * ```
 */
export function carriesAcks(source: unknown): boolean {
  return source instanceof AckedFlow
}

/**
 * Mark `source` as carrying acks, so the built-in operators applied to it carry them on: a dropped
 * element is acknowledged, a batch acks all of its elements, a sink acks after its function
 * resolves (docs/at-least-once.md has the whole list). A source that is already marked is returned
 * as it is. Sources that deliver at least once (`fromKafka`) return marked iterables; call this on
 * your own generator's output to let the operators after it carry acks again.
 * @param source - an async iterable whose element objects carry acks ({@link withAck})
 * @example
 * ```ts
 * const parsed = carryAcks(parse(fromKafka(['orders'], config)))
 * await pipe(parsed, filter(isValid), partition(100), sink(saveBatch))
 * ```
 */
export function carryAcks<T>(source: AsyncIterable<T>): AsyncIterable<T> {
  return source instanceof AckedFlow ? source : new AckedFlow<T>(source, [])
}

// ---- the carrying

/** The ack of one source element, held by every element derived from it that is still in flight. */
interface Ctx {
  ack: Ack
  refs: number
}
type Ctxs = readonly Ctx[]
const NONE: Ctxs = []

const retain = (cs: Ctxs): void => {
  for (const c of cs) c.refs++
}
const release = (cs: Ctxs): void => {
  for (const c of cs) if (--c.refs === 0) c.ack()
}

/** Steps whose outputs are arrays of the elements they took in (windows and batches). */
const BATCHING = /^(partition|slidingWindow)\(/

/** After `r` (a push result) settles, run `f`; keeps a sync result sync. */
function after<R>(r: R, f: () => void): R {
  if (isPromiseLike(r))
    return r.then(
      (v) => {
        f()
        return v
      },
      (e: unknown) => {
        throw e
      },
    ) as R
  f()
  return r
}

/**
 * The ops of one run, each wrapped to carry acks, with a first step that reads the ack of each
 * root element. `carry.ctxs` holds, between a step's call of `down.push(y)` and the next step's
 * use of it, the acks the element `y` holds (the protocol never has two pushes in flight in one run).
 */
function carryOps(ops: readonly NamedOp[], carry: { ctxs: Ctxs }): NamedOp[] {
  const tag: NamedOp = {
    name: 'acks',
    op: (down: Step<unknown>) => ({
      push(x) {
        const a = ackOf(x)
        carry.ctxs = a === undefined ? NONE : [{ ack: a, refs: 1 }]
        return down.push(x)
      },
      end: () => down.end(),
    }),
  }
  return [tag, ...ops.map((named) => (BATCHING.test(named.name) ? batching(named, carry) : mapping(named, carry)))]
}

/** A step that maps, drops or multiplies elements: each output holds the acks of the input it came from. */
function mapping(named: NamedOp, carry: { ctxs: Ctxs }): NamedOp {
  return {
    name: named.name,
    op: (down: Step<unknown>) => {
      let cur: Ctxs = NONE
      const inner = named.op({
        push(y) {
          retain(cur)
          carry.ctxs = cur
          return down.push(y)
        },
        end() {
          carry.ctxs = NONE
          return down.end()
        },
      }) as Step<unknown>
      return {
        push(x) {
          const mine = (cur = carry.ctxs)
          return after(inner.push(x), () => release(mine))
        },
        end() {
          cur = NONE // what a step emits at the end (a flush) came from no one input
          return inner.end()
        },
      }
    },
  }
}

/** A step that emits arrays of its inputs: an array holds the acks of the elements in it (the first array for each). */
function batching(named: NamedOp, carry: { ctxs: Ctxs }): NamedOp {
  return {
    name: named.name,
    op: (down: Step<unknown>) => {
      // the acks of the elements taken in and not yet in an emitted array, by element (a queue per
      // value, as equal numbers or strings may come more than once)
      const waiting = new Map<unknown, Ctxs[]>()
      const inner = named.op({
        push(batch) {
          const cs: Ctx[] = []
          for (const x of batch as unknown[]) {
            const q = waiting.get(x)
            const c = q?.shift()
            if (q?.length === 0) waiting.delete(x)
            if (c !== undefined) cs.push(...c)
          }
          carry.ctxs = cs
          return down.push(batch)
        },
        end() {
          carry.ctxs = NONE
          return down.end()
        },
      }) as Step<unknown>
      return {
        push(x) {
          if (carry.ctxs.length > 0) {
            const q = waiting.get(x)
            if (q === undefined) waiting.set(x, [carry.ctxs])
            else q.push(carry.ctxs)
          }
          return inner.push(x)
        },
        end: () => inner.end(),
      }
    },
  }
}

/**
 * A Flow whose root's elements carry acks: run, it wraps its steps so the acks follow the
 * elements, and its end (a sink, or a `for await`) acknowledges what it is done with.
 * @internal
 */
class AckedFlow<T> extends Flow<T> {
  override [Symbol.asyncIterator](): AsyncIterator<T> {
    const carry = { ctxs: NONE }
    // for each element that came out of the steps and was not yet handed out, in order: the ack
    // to call when the loop asks for the next one (a number or string, which cannot carry its
    // own), or undefined (an object: it carries its ack, and the loop acknowledges it)
    const queued: (Ack | undefined)[] = []
    const last: NamedOp = {
      name: 'acked',
      op: (down: Step<unknown>) => ({
        push(y) {
          const cs = carry.ctxs // y's hold on them passes to its ack
          const own = cs.length === 1 && cs[0]?.refs === 1 && ackOf(y) === cs[0].ack // a record as it came
          if (isObject(y)) {
            if (!own && cs.length > 0) withAck(y, () => release(cs))
            queued.push(undefined)
          } else queued.push(cs.length > 0 ? once(() => release(cs)) : undefined)
          return down.push(y)
        },
        end: () => down.end(),
      }),
    }
    const inner = iterateFlow<T>(this.root, [...carryOps(this.ops, carry), last])
    let handed: Ack | undefined // the ack of the number or string the last next() gave out
    const settle = (): void => {
      const a = handed
      handed = undefined
      if (a !== undefined && !held.has(a)) a()
    }
    return {
      next: async () => {
        settle()
        const r = await inner.next()
        if (r.done !== true) handed = queued.shift()
        return r
      },
      return: async () => {
        handed = undefined
        queued.length = 0
        return (await inner.return?.()) ?? { done: true, value: undefined }
      },
    }
  }

  override [DRIVE](step: Step<T>): Promise<void> {
    const carry = { ctxs: NONE }
    const last: NamedOp = {
      name: 'acked',
      op: (down: Step<unknown>) => ({
        push(y) {
          const cs = carry.ctxs
          const ack = once(() => release(cs))
          const outer = pushing
          pushing = { value: y, ack }
          let r
          try {
            r = down.push(y)
          } finally {
            pushing = outer
          }
          // a sink that held the ack (holdAck) calls it itself once it is done
          return after(r, () => {
            if (!held.has(ack)) ack()
          })
        },
        end: () => down.end(),
      }),
    }
    return driveRoot(this.root, compose([...carryOps(this.ops, carry), last], step))
  }
}

// ---- stages that are not fused

/** `src` with `f` applied to each element; `return()` goes straight to the source iterator. */
function mapIterable<A, B>(src: AsyncIterable<A>, f: (a: A) => B): AsyncIterable<B> {
  return {
    [Symbol.asyncIterator]() {
      const it = src[Symbol.asyncIterator]()
      return {
        next: () =>
          it.next().then((r): IteratorResult<B> => (r.done === true ? r : { done: false, value: f(r.value) })),
        return: async (): Promise<IteratorResult<B>> => {
          await it.return?.()
          return { done: true, value: undefined }
        },
      }
    },
  }
}

/**
 * A batching stage that is not fused (timedWindow, partition with a timeout), made to carry acks
 * when its source does: it holds the ack of each element it reads, and each batch it emits acks all
 * of its elements once the batch is done. On a source without acks, `stage` itself.
 */
export function batchAcks<T>(stage: (source: AsyncIterable<T>) => AsyncIterable<T[]>) {
  return (source: AsyncIterable<T>): AsyncIterable<T[]> => {
    if (!carriesAcks(source)) return stage(source)
    const batches = stage(
      mapIterable(source, (x) => {
        holdAck(x)
        return x
      }),
    )
    return carryAcks(mapIterable(batches, (w) => withAck(w, ackAll(w.map(ackOf)))))
  }
}

/**
 * flatten made to carry acks when its source does: an element's ack waits until its inner iterable
 * has been read to the end and every child object (each given a share of the ack) is done.
 */
export function flattenAcks<P, T>(stage: (source: AsyncIterable<P>) => AsyncIterable<T>) {
  return (source: AsyncIterable<P>): AsyncIterable<T> => {
    if (!carriesAcks(source)) return stage(source)
    return carryAcks(stage(mapIterable(source, shareAck)))
  }
}

/** An inner iterable whose children share its ack (see flattenAcks). */
function shareAck<P>(parent: P): P {
  const ack = holdAck(parent)
  if (ack === undefined || !isObject(parent)) return parent
  let shares = 1 // the reading of the inner iterable holds one until it ends
  const drop = (): void => {
    if (--shares === 0) ack()
  }
  const child = (y: unknown): unknown => {
    if (isObject(y)) {
      shares++
      withAck(y, drop)
    }
    return y
  }
  const step = <R extends IteratorResult<unknown>>(r: R): R => {
    if (r.done === true) drop()
    else (r as { value: unknown }).value = child(r.value)
    return r
  }
  if (typeof (parent as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function') {
    const inner = parent as unknown as AsyncIterable<unknown>
    return {
      [Symbol.asyncIterator]() {
        const it = inner[Symbol.asyncIterator]()
        return {
          next: () => it.next().then((r) => step({ ...r })),
          return: async () => (await it.return?.()) ?? { done: true, value: undefined },
        }
      },
    } as P
  }
  if (typeof (parent as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function') {
    const inner = parent as unknown as Iterable<unknown>
    return {
      [Symbol.iterator]() {
        const it = inner[Symbol.iterator]()
        return {
          next: () => step({ ...it.next() }),
          return: (v?: unknown) => it.return?.(v) ?? { done: true, value: v },
        }
      },
    } as P
  }
  return parent
}
