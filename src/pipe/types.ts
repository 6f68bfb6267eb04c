/** A pipeline stage: takes an async iterable and returns another. Any async generator function of this shape is a stage. */
export type Stage<A, B> = (source: AsyncIterable<A>) => AsyncIterable<B>

/** A sink: consumes an async iterable and resolves when it has ended. */
export type Sink<A, R = void> = (source: AsyncIterable<A>) => Promise<R>

/** What `pipe` accepts as its first argument: any async or sync iterable. */
export type Source<A> = AsyncIterable<A> | Iterable<A>
