// Type-level tests: checked by `tsc` (part of `npm test`). An `@ts-expect-error` that stops
// erroring, or an expectTypeOf that stops matching, fails the type check.
import { expectTypeOf } from 'expect-type'
import { pipe, map, filter, accumulate, toArray, sink, type Stage } from '../../src/index.js'

const n = pipe(
  [1, 2, 3],
  map((x) => `${x}`),
)
expectTypeOf(n).toEqualTypeOf<AsyncIterable<string>>()

const p = pipe(
  [1, 2, 3],
  map((x) => x * 2),
  toArray(),
)
expectTypeOf(p).toEqualTypeOf<Promise<number[]>>()

const s = pipe(
  [1, 2],
  sink((x) => x),
)
expectTypeOf(s).toEqualTypeOf<Promise<void>>()

const guarded = pipe(
  [1, 'a', 2] as (number | string)[],
  filter((x): x is number => typeof x === 'number'),
)
expectTypeOf(guarded).toEqualTypeOf<AsyncIterable<number>>()

const acc = pipe(
  ['a', 'b'],
  accumulate((c: number, _x: string) => c + 1, { start: 0 }),
)
expectTypeOf(acc).toEqualTypeOf<AsyncIterable<number>>()

async function* strings(src: AsyncIterable<number>): AsyncGenerator<string> {
  for await (const x of src) yield String(x)
}
const viaGen = pipe(
  [1],
  strings,
  map((s) => s.length),
)
expectTypeOf(viaGen).toEqualTypeOf<AsyncIterable<number>>()

// 13 typed stages, the last one a sink
const inc = map((x: number) => x + 1)
const long = pipe(
  [0],
  inc,
  inc,
  inc,
  inc,
  inc,
  inc,
  inc,
  inc,
  inc,
  inc,
  inc,
  map((x) => String(x)),
  toArray(),
)
expectTypeOf(long).toEqualTypeOf<Promise<string[]>>()

// prettier-ignore
// @ts-expect-error: a number source cannot feed a string stage
pipe([1], map((s: string) => s.length))

// prettier-ignore
// @ts-expect-error: a mismatch at stage 12 is still caught
pipe([0], inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, map((s: string) => s), toArray())

// prettier-ignore
// @ts-expect-error: the stage after a string stage must take strings
pipe([1], map((x) => `${x}`), map((x: number) => x))

// prettier-ignore
// @ts-expect-error: a sink typed for strings cannot end a number pipeline
pipe([1], sink((x: string) => x))

declare const st: Stage<number, boolean>
expectTypeOf(pipe([1], st)).toEqualTypeOf<AsyncIterable<boolean>>()
