import type { Source, Stage } from './types.js'
import { toAsync } from './flow.js'
import { checkFunction, checkIterable } from '../internal/check.js'

type Last<A, R> = (source: AsyncIterable<A>) => R

/**
 * Compose a source with stages, left to right: `pipe(source, map(f), filter(g), sink(h))`.
 * The source may be any async or sync iterable. The result is what the last function
 * returns: an `AsyncIterable` after a stage, a `Promise` after a sink. Nothing runs until
 * the result is iterated (or, with a sink, until `pipe` is called). Errors anywhere reach
 * the consumer; `break`, an error downstream or an abort closes every upstream iterator.
 * Typed through 16 stages; a mismatched stage is a compile error.
 * @param source - an AsyncIterable or Iterable
 * @param stages - stages `(AsyncIterable<A>) => AsyncIterable<B>`, and optionally a sink last
 * @example
 * ```ts
 * const doubled = await pipe([1, 2, 3], map((x) => x * 2), toArray()) // [2, 4, 6]
 * ```
 */
export function pipe<A>(source: Source<A>): AsyncIterable<A>
export function pipe<A, R>(source: Source<A>, s1: Last<A, R>): R
export function pipe<A, T1, R>(source: Source<A>, s1: Stage<A, T1>, s2: Last<T1, R>): R
export function pipe<A, T1, T2, R>(source: Source<A>, s1: Stage<A, T1>, s2: Stage<T1, T2>, s3: Last<T2, R>): R
export function pipe<A, T1, T2, T3, R>(source: Source<A>, s1: Stage<A, T1>, s2: Stage<T1, T2>, s3: Stage<T2, T3>, s4: Last<T3, R>): R
export function pipe<A, T1, T2, T3, T4, R>(source: Source<A>, s1: Stage<A, T1>, s2: Stage<T1, T2>, s3: Stage<T2, T3>, s4: Stage<T3, T4>, s5: Last<T4, R>): R
export function pipe<A, T1, T2, T3, T4, T5, R>(source: Source<A>, s1: Stage<A, T1>, s2: Stage<T1, T2>, s3: Stage<T2, T3>, s4: Stage<T3, T4>, s5: Stage<T4, T5>, s6: Last<T5, R>): R
export function pipe<A, T1, T2, T3, T4, T5, T6, R>(source: Source<A>, s1: Stage<A, T1>, s2: Stage<T1, T2>, s3: Stage<T2, T3>, s4: Stage<T3, T4>, s5: Stage<T4, T5>, s6: Stage<T5, T6>, s7: Last<T6, R>): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, R>(source: Source<A>, s1: Stage<A, T1>, s2: Stage<T1, T2>, s3: Stage<T2, T3>, s4: Stage<T3, T4>, s5: Stage<T4, T5>, s6: Stage<T5, T6>, s7: Stage<T6, T7>, s8: Last<T7, R>): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, T8, R>(source: Source<A>, s1: Stage<A, T1>, s2: Stage<T1, T2>, s3: Stage<T2, T3>, s4: Stage<T3, T4>, s5: Stage<T4, T5>, s6: Stage<T5, T6>, s7: Stage<T6, T7>, s8: Stage<T7, T8>, s9: Last<T8, R>): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, T8, T9, R>(source: Source<A>, s1: Stage<A, T1>, s2: Stage<T1, T2>, s3: Stage<T2, T3>, s4: Stage<T3, T4>, s5: Stage<T4, T5>, s6: Stage<T5, T6>, s7: Stage<T6, T7>, s8: Stage<T7, T8>, s9: Stage<T8, T9>, s10: Last<T9, R>): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, R>(source: Source<A>, s1: Stage<A, T1>, s2: Stage<T1, T2>, s3: Stage<T2, T3>, s4: Stage<T3, T4>, s5: Stage<T4, T5>, s6: Stage<T5, T6>, s7: Stage<T6, T7>, s8: Stage<T7, T8>, s9: Stage<T8, T9>, s10: Stage<T9, T10>, s11: Last<T10, R>): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, R>(source: Source<A>, s1: Stage<A, T1>, s2: Stage<T1, T2>, s3: Stage<T2, T3>, s4: Stage<T3, T4>, s5: Stage<T4, T5>, s6: Stage<T5, T6>, s7: Stage<T6, T7>, s8: Stage<T7, T8>, s9: Stage<T8, T9>, s10: Stage<T9, T10>, s11: Stage<T10, T11>, s12: Last<T11, R>): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, R>(source: Source<A>, s1: Stage<A, T1>, s2: Stage<T1, T2>, s3: Stage<T2, T3>, s4: Stage<T3, T4>, s5: Stage<T4, T5>, s6: Stage<T5, T6>, s7: Stage<T6, T7>, s8: Stage<T7, T8>, s9: Stage<T8, T9>, s10: Stage<T9, T10>, s11: Stage<T10, T11>, s12: Stage<T11, T12>, s13: Last<T12, R>): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, R>(source: Source<A>, s1: Stage<A, T1>, s2: Stage<T1, T2>, s3: Stage<T2, T3>, s4: Stage<T3, T4>, s5: Stage<T4, T5>, s6: Stage<T5, T6>, s7: Stage<T6, T7>, s8: Stage<T7, T8>, s9: Stage<T8, T9>, s10: Stage<T9, T10>, s11: Stage<T10, T11>, s12: Stage<T11, T12>, s13: Stage<T12, T13>, s14: Last<T13, R>): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, R>(source: Source<A>, s1: Stage<A, T1>, s2: Stage<T1, T2>, s3: Stage<T2, T3>, s4: Stage<T3, T4>, s5: Stage<T4, T5>, s6: Stage<T5, T6>, s7: Stage<T6, T7>, s8: Stage<T7, T8>, s9: Stage<T8, T9>, s10: Stage<T9, T10>, s11: Stage<T10, T11>, s12: Stage<T11, T12>, s13: Stage<T12, T13>, s14: Stage<T13, T14>, s15: Last<T14, R>): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, R>(source: Source<A>, s1: Stage<A, T1>, s2: Stage<T1, T2>, s3: Stage<T2, T3>, s4: Stage<T3, T4>, s5: Stage<T4, T5>, s6: Stage<T5, T6>, s7: Stage<T6, T7>, s8: Stage<T7, T8>, s9: Stage<T8, T9>, s10: Stage<T9, T10>, s11: Stage<T10, T11>, s12: Stage<T11, T12>, s13: Stage<T12, T13>, s14: Stage<T13, T14>, s15: Stage<T14, T15>, s16: Last<T15, R>): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16>(source: Source<A>, s1: Stage<A, T1>, s2: Stage<T1, T2>, s3: Stage<T2, T3>, s4: Stage<T3, T4>, s5: Stage<T4, T5>, s6: Stage<T5, T6>, s7: Stage<T6, T7>, s8: Stage<T7, T8>, s9: Stage<T8, T9>, s10: Stage<T9, T10>, s11: Stage<T10, T11>, s12: Stage<T11, T12>, s13: Stage<T12, T13>, s14: Stage<T13, T14>, s15: Stage<T14, T15>, s16: Stage<T15, T16>, ...more: Last<any, unknown>[]): unknown
export function pipe(source: Source<unknown>, ...stages: Last<any, unknown>[]): unknown {
  checkIterable('pipe', 'source', source)
  let acc: unknown = toAsync(source)
  for (let i = 0; i < stages.length; i++) {
    const stage = stages[i] as Last<unknown, unknown>
    checkFunction('pipe', `stage ${i + 1}`, stage)
    acc = stage(acc as AsyncIterable<unknown>)
  }
  return acc
}
