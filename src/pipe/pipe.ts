import type { Source, Stage } from './types.js'
import { UP, toAsync } from './flow.js'
import { checkFunction, checkIterable } from '../internal/check.js'

/**
 * The last function of a `pipe`: a stage or a sink, whose return value `pipe` returns.
 * @example
 * ```ts
 * const last: PipeEnd<number, Promise<number[]>> = toArray<number>()
 * await pipe([1, 2], map((x) => x + 1), last) // [2, 3]
 * ```
 */
export type PipeEnd<A, R> = (source: AsyncIterable<A>) => R

/**
 * Compose a source with stages, left to right: `pipe(source, map(f), filter(g), sink(h))`.
 * The source may be any async or sync iterable. The result is what the last function
 * returns: an `AsyncIterable` after a stage, a `Promise` after a sink. Nothing runs until
 * the result is iterated (or, with a sink, until `pipe` is called). Errors anywhere reach
 * the consumer; `break`, an error downstream or an abort closes every upstream iterator.
 * Typed through 16 stages; a mismatched stage is a compile error.
 * @param source - an AsyncIterable or Iterable; the stages follow it, optionally a sink last
 * @example
 * ```ts
 * const doubled = await pipe([1, 2, 3], map((x) => x * 2), toArray()) // [2, 4, 6]
 * ```
 */
export function pipe<A>(source: Source<A>): AsyncIterable<A>
export function pipe<A, R>(source: Source<A>, s1: PipeEnd<A, R>): R
export function pipe<A, T1, R>(source: Source<A>, s1: Stage<A, T1>, s2: PipeEnd<T1, R>): R
export function pipe<A, T1, T2, R>(source: Source<A>, s1: Stage<A, T1>, s2: Stage<T1, T2>, s3: PipeEnd<T2, R>): R
export function pipe<A, T1, T2, T3, R>(
  source: Source<A>,
  s1: Stage<A, T1>,
  s2: Stage<T1, T2>,
  s3: Stage<T2, T3>,
  s4: PipeEnd<T3, R>,
): R
export function pipe<A, T1, T2, T3, T4, R>(
  source: Source<A>,
  s1: Stage<A, T1>,
  s2: Stage<T1, T2>,
  s3: Stage<T2, T3>,
  s4: Stage<T3, T4>,
  s5: PipeEnd<T4, R>,
): R
export function pipe<A, T1, T2, T3, T4, T5, R>(
  source: Source<A>,
  s1: Stage<A, T1>,
  s2: Stage<T1, T2>,
  s3: Stage<T2, T3>,
  s4: Stage<T3, T4>,
  s5: Stage<T4, T5>,
  s6: PipeEnd<T5, R>,
): R
export function pipe<A, T1, T2, T3, T4, T5, T6, R>(
  source: Source<A>,
  s1: Stage<A, T1>,
  s2: Stage<T1, T2>,
  s3: Stage<T2, T3>,
  s4: Stage<T3, T4>,
  s5: Stage<T4, T5>,
  s6: Stage<T5, T6>,
  s7: PipeEnd<T6, R>,
): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, R>(
  source: Source<A>,
  s1: Stage<A, T1>,
  s2: Stage<T1, T2>,
  s3: Stage<T2, T3>,
  s4: Stage<T3, T4>,
  s5: Stage<T4, T5>,
  s6: Stage<T5, T6>,
  s7: Stage<T6, T7>,
  s8: PipeEnd<T7, R>,
): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, T8, R>(
  source: Source<A>,
  s1: Stage<A, T1>,
  s2: Stage<T1, T2>,
  s3: Stage<T2, T3>,
  s4: Stage<T3, T4>,
  s5: Stage<T4, T5>,
  s6: Stage<T5, T6>,
  s7: Stage<T6, T7>,
  s8: Stage<T7, T8>,
  s9: PipeEnd<T8, R>,
): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, T8, T9, R>(
  source: Source<A>,
  s1: Stage<A, T1>,
  s2: Stage<T1, T2>,
  s3: Stage<T2, T3>,
  s4: Stage<T3, T4>,
  s5: Stage<T4, T5>,
  s6: Stage<T5, T6>,
  s7: Stage<T6, T7>,
  s8: Stage<T7, T8>,
  s9: Stage<T8, T9>,
  s10: PipeEnd<T9, R>,
): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, R>(
  source: Source<A>,
  s1: Stage<A, T1>,
  s2: Stage<T1, T2>,
  s3: Stage<T2, T3>,
  s4: Stage<T3, T4>,
  s5: Stage<T4, T5>,
  s6: Stage<T5, T6>,
  s7: Stage<T6, T7>,
  s8: Stage<T7, T8>,
  s9: Stage<T8, T9>,
  s10: Stage<T9, T10>,
  s11: PipeEnd<T10, R>,
): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, R>(
  source: Source<A>,
  s1: Stage<A, T1>,
  s2: Stage<T1, T2>,
  s3: Stage<T2, T3>,
  s4: Stage<T3, T4>,
  s5: Stage<T4, T5>,
  s6: Stage<T5, T6>,
  s7: Stage<T6, T7>,
  s8: Stage<T7, T8>,
  s9: Stage<T8, T9>,
  s10: Stage<T9, T10>,
  s11: Stage<T10, T11>,
  s12: PipeEnd<T11, R>,
): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, R>(
  source: Source<A>,
  s1: Stage<A, T1>,
  s2: Stage<T1, T2>,
  s3: Stage<T2, T3>,
  s4: Stage<T3, T4>,
  s5: Stage<T4, T5>,
  s6: Stage<T5, T6>,
  s7: Stage<T6, T7>,
  s8: Stage<T7, T8>,
  s9: Stage<T8, T9>,
  s10: Stage<T9, T10>,
  s11: Stage<T10, T11>,
  s12: Stage<T11, T12>,
  s13: PipeEnd<T12, R>,
): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, R>(
  source: Source<A>,
  s1: Stage<A, T1>,
  s2: Stage<T1, T2>,
  s3: Stage<T2, T3>,
  s4: Stage<T3, T4>,
  s5: Stage<T4, T5>,
  s6: Stage<T5, T6>,
  s7: Stage<T6, T7>,
  s8: Stage<T7, T8>,
  s9: Stage<T8, T9>,
  s10: Stage<T9, T10>,
  s11: Stage<T10, T11>,
  s12: Stage<T11, T12>,
  s13: Stage<T12, T13>,
  s14: PipeEnd<T13, R>,
): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, R>(
  source: Source<A>,
  s1: Stage<A, T1>,
  s2: Stage<T1, T2>,
  s3: Stage<T2, T3>,
  s4: Stage<T3, T4>,
  s5: Stage<T4, T5>,
  s6: Stage<T5, T6>,
  s7: Stage<T6, T7>,
  s8: Stage<T7, T8>,
  s9: Stage<T8, T9>,
  s10: Stage<T9, T10>,
  s11: Stage<T10, T11>,
  s12: Stage<T11, T12>,
  s13: Stage<T12, T13>,
  s14: Stage<T13, T14>,
  s15: PipeEnd<T14, R>,
): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, R>(
  source: Source<A>,
  s1: Stage<A, T1>,
  s2: Stage<T1, T2>,
  s3: Stage<T2, T3>,
  s4: Stage<T3, T4>,
  s5: Stage<T4, T5>,
  s6: Stage<T5, T6>,
  s7: Stage<T6, T7>,
  s8: Stage<T7, T8>,
  s9: Stage<T8, T9>,
  s10: Stage<T9, T10>,
  s11: Stage<T10, T11>,
  s12: Stage<T11, T12>,
  s13: Stage<T12, T13>,
  s14: Stage<T13, T14>,
  s15: Stage<T14, T15>,
  s16: PipeEnd<T15, R>,
): R
export function pipe<A, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16>(
  source: Source<A>,
  s1: Stage<A, T1>,
  s2: Stage<T1, T2>,
  s3: Stage<T2, T3>,
  s4: Stage<T3, T4>,
  s5: Stage<T4, T5>,
  s6: Stage<T5, T6>,
  s7: Stage<T6, T7>,
  s8: Stage<T7, T8>,
  s9: Stage<T8, T9>,
  s10: Stage<T9, T10>,
  s11: Stage<T10, T11>,
  s12: Stage<T11, T12>,
  s13: Stage<T12, T13>,
  s14: Stage<T13, T14>,
  s15: Stage<T14, T15>,
  s16: Stage<T15, T16>,
  ...more: PipeEnd<any, unknown>[]
): unknown
export function pipe(source: Source<unknown>, ...stages: PipeEnd<any, unknown>[]): unknown {
  checkIterable('pipe', 'source', source)
  let acc: unknown = toAsync(source)
  for (let i = 0; i < stages.length; i++) {
    const stage = stages[i] as PipeEnd<unknown, unknown>
    checkFunction('pipe', `stage ${i + 1}`, stage)
    const up = acc
    acc = stage(acc as AsyncIterable<unknown>)
    // what the result was made from, for streamz-ts/see; a primitive or frozen result keeps nothing
    try {
      ;(acc as { [UP]?: unknown })[UP] ??= [stage, up]
    } catch {
      // nothing to record on it
    }
  }
  return acc
}
