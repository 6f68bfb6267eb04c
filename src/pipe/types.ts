/**
 * A pipeline stage: takes an async iterable and returns another. Any async generator
 * function of this shape is a stage, and composes with the built-ins in `pipe`.
 * @example
 * ```ts
 * const evens: Stage<number, number> = async function* evens(source) {
 *   for await (const x of source) if (x % 2 === 0) yield x
 * }
 * await pipe([1, 2, 3, 4], evens, toArray()) // [2, 4]
 * ```
 */
export type Stage<A, B> = (source: AsyncIterable<A>) => AsyncIterable<B>

/**
 * A sink: consumes an async iterable and resolves when it has ended (or rejects with the
 * first error). Ends a `pipe`, which then returns the sink's Promise.
 * @example
 * ```ts
 * const count: Sink<unknown, number> = async (source) => {
 *   let n = 0
 *   for await (const _ of source) n++
 *   return n
 * }
 * await pipe(['a', 'b'], count) // 2
 * ```
 */
export type Sink<A, R = void> = (source: AsyncIterable<A>) => Promise<R>

/**
 * What `pipe` accepts as its first argument: any async or sync iterable.
 * @example
 * ```ts
 * const fromArray: Source<number> = [1, 2, 3]
 * const fromGenerator: Source<number> = (async function* () { yield 1 })()
 * ```
 */
export type Source<A> = AsyncIterable<A> | Iterable<A>
