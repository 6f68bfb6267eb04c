// The cost of instrument() on W1 of the core benchmark (1,000,000 numbers through map, filter,
// accumulate and a sink), measured the way a long-running pipeline lives: runs one after the other
// with no forced GC in between, the plain and the instrumented pipeline alternating in one process,
// medians reported (issue 6: under 10 %).
//
// The W1 table of `npm run bench -- W1` also has an instrumented row; that harness forces a full GC
// before every run, so V8 drops the optimized code that inlined the previous run's steps (they died)
// and every run starts partly cold. This script gives the steady state.
//
// Standalone, not a section of `npm run bench`:
//   node --import tsx bench/instrument.bench.ts

import { performance } from 'node:perf_hooks'
import * as sz from '../src/index.js'
import { instrument } from '../src/see/index.js'

const N = 1_000_000
const ROUNDS = 60
const WARM = 10
const arr = Array.from({ length: N }, (_, i) => i)
const double = (x: number): number => x * 2
const byThree = (x: number): boolean => x % 3 === 0
const add = (a: number, b: number): number => a + b

async function plain(): Promise<number> {
  let last = 0
  await sz.pipe(
    arr,
    sz.map(double),
    sz.filter(byThree),
    sz.accumulate(add, { start: 0 }),
    sz.sink((v: number) => (last = v)),
  )
  return last
}

async function instrumented(): Promise<number> {
  let last = 0
  const stream = sz.pipe(arr, sz.map(double), sz.filter(byThree), sz.accumulate(add, { start: 0 }))
  const seen = instrument(stream)
  await sz.pipe(
    stream,
    sz.sink((v: number) => (last = v)),
  )
  const map = seen.snapshot().stages.find((s) => s.name === 'map(double)')
  if (map?.in !== N) throw new Error(`instrument bench: map counted ${String(map?.in)}, not ${String(N)}`)
  return last
}

const times = { plain: [] as number[], instrumented: [] as number[] }
let expected: number | undefined
for (let r = 0; r < ROUNDS + WARM; r++)
  for (const [name, run] of [
    ['plain', plain],
    ['instrumented', instrumented],
  ] as const) {
    const t0 = performance.now()
    const got = await run()
    const dt = performance.now() - t0
    expected ??= got
    if (got !== expected) throw new Error(`instrument bench: ${name} gave ${String(got)}, not ${String(expected)}`)
    if (r >= WARM) times[name].push(dt)
  }
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number
const p = median(times.plain)
const i = median(times.instrumented)
console.log(
  `W1, ${String(ROUNDS)} alternating runs each after ${String(WARM)} warm-up rounds, no forced GC (median ms):`,
)
console.log(`  plain          ${p.toFixed(2)}  (min ${Math.min(...times.plain).toFixed(2)})`)
console.log(`  instrumented   ${i.toFixed(2)}  (min ${Math.min(...times.instrumented).toFixed(2)})`)
console.log(`  ratio          ${(i / p).toFixed(3)} (target < 1.10: ${i / p < 1.1 ? 'PASS' : 'MISS'})`)
