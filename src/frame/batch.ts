import { checkFunction, checkIterable, fail, show } from '../internal/check.js'
import type { StreamingFrame } from './frame.js'
import { toFrame, type FrameRecord, type ToFrameOptions } from './to-frame.js'

/**
 * A stream of batches (arrays) of plain values (Streamz `Batch`): the cheap way to handle many small records,
 * such as JSON lines read 100 at a time, before they become frames. `map`, `filter` and `pluck` work on every
 * element of every batch and keep the batching; {@link Batch.toStream} flattens back to single elements and
 * {@link Batch.toFrame} builds a {@link StreamingFrame}. Made by {@link toBatch}. Like everything here it is
 * lazy: nothing runs until `stream` (or the batch itself) is iterated.
 * @example
 * ```ts
 * import { pipe, fromTextfile, partition } from 'streamz-ts'
 * import { toBatch } from 'streamz-ts/frame'
 * const records = toBatch(pipe(fromTextfile('events.jsonl'), partition(100))).map((line) => JSON.parse(line) as Event)
 * const sdf = records.toFrame({ example })
 * ```
 */
export class Batch<T> implements AsyncIterable<T[]> {
  /** @internal */
  constructor(
    /** The batches. */
    readonly stream: AsyncIterable<T[]>,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<T[]> {
    return this.stream[Symbol.asyncIterator]()
  }

  #each<U>(f: (batch: T[]) => U[]): Batch<U> {
    const source = this.stream
    return new Batch<U>({
      async *[Symbol.asyncIterator]() {
        for await (const b of source) yield f(b)
      },
    })
  }

  /**
   * Apply `fn` to every element of every batch.
   * @param fn - called with each element (synchronous: a batch is one cheap loop)
   * @example
   * ```ts
   * toBatch(lines).map((line) => JSON.parse(line) as Event)
   * ```
   */
  map<U>(fn: (x: T) => U): Batch<U> {
    checkFunction('Batch.map', 'fn', fn)
    return this.#each((b) => b.map((x) => fn(x)))
  }

  /**
   * Keep the elements where `predicate` is true (batches may become empty; they are kept).
   * @param predicate - called with each element
   * @example
   * ```ts
   * records.filter((r) => r.amount > 0)
   * ```
   */
  filter<S extends T>(predicate: (x: T) => x is S): Batch<S>
  filter(predicate: (x: T) => boolean): Batch<T>
  filter(predicate: (x: T) => boolean): Batch<T> {
    checkFunction('Batch.filter', 'predicate', predicate)
    return this.#each((b) => b.filter((x) => predicate(x)))
  }

  /**
   * Pick one field (or several, as an array) out of every element.
   * @param key - a property name or index, or an array of them
   * @example
   * ```ts
   * records.pluck('amount').sum()
   * ```
   */
  pluck<K extends keyof T>(key: K): Batch<T[K]>
  pluck<const K extends readonly (keyof T)[]>(keys: K): Batch<{ [I in keyof K]: T[K[I]] }>
  pluck(key: PropertyKey | readonly PropertyKey[]): Batch<unknown> {
    if (Array.isArray(key)) {
      const keys = key as PropertyKey[]
      return this.#each((b) => b.map((x) => keys.map((k) => (x as Record<PropertyKey, unknown>)[k])))
    }
    if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'symbol')
      fail(TypeError, 'Batch.pluck', 'key', 'a property name, an index or an array of them', key)
    return this.#each((b) => b.map((x) => (x as Record<PropertyKey, unknown>)[key]))
  }

  /**
   * The running total of all elements so far, one number per batch (Streamz `Batch.sum`).
   * @example
   * ```ts
   * for await (const total of records.pluck('amount').sum()) console.log(total)
   * ```
   */
  sum(this: Batch<number>): AsyncIterable<number> {
    const source = this.stream
    return {
      async *[Symbol.asyncIterator]() {
        let total = 0
        for await (const b of source) {
          for (const x of b) {
            if (typeof x !== 'number') throw new TypeError(`Batch.sum: elements must be numbers, got ${show(x)}`)
            total += x
          }
          yield total
        }
      },
    }
  }

  /**
   * A {@link StreamingFrame} with one chunk per batch, each built from the batch's records with the
   * example's dtypes and checked as {@link toFrame} checks them (Streamz `Batch.to_dataframe`).
   * @param options - the {@link toFrame} options: `example` (required) and `onError`
   * @example
   * ```ts
   * const sdf = records.toFrame({ example })
   * sdf.groupBy('name').col('amount').mean()
   * ```
   */
  toFrame(this: Batch<FrameRecord>, options: ToFrameOptions): StreamingFrame {
    return toFrame(this.stream, options)
  }

  /**
   * The elements one by one: the batches flattened (Streamz `Batch.to_stream`).
   * @example
   * ```ts
   * for await (const r of records.toStream()) console.log(r)
   * ```
   */
  toStream(): AsyncIterable<T> {
    const source = this.stream
    return {
      async *[Symbol.asyncIterator]() {
        for await (const b of source) yield* b
      },
    }
  }
}

/**
 * A {@link Batch} over a stream of arrays (Streamz `to_batch`), for example `partition(100)` of text lines.
 * @param stream - an AsyncIterable (or Iterable) of arrays
 * @example
 * ```ts
 * import { pipe, partition } from 'streamz-ts'
 * import { toBatch } from 'streamz-ts/frame'
 * const amounts = toBatch(pipe(lines, partition(100)))
 *   .map((line) => JSON.parse(line) as { name: string; amount: number })
 *   .pluck('amount')
 * for await (const total of amounts.sum()) console.log(total)
 * ```
 */
export function toBatch<T>(stream: AsyncIterable<readonly T[]> | Iterable<readonly T[]>): Batch<T> {
  checkIterable('toBatch', 'stream', stream)
  async function* toBatchStage(): AsyncGenerator<T[], void, undefined> {
    let i = 0
    for await (const b of stream) {
      if (!Array.isArray(b)) throw new TypeError(`toBatch: element ${i} must be an array, got ${show(b)}`)
      i++
      yield b as T[]
    }
  }
  return new Batch<T>({ [Symbol.asyncIterator]: toBatchStage })
}
