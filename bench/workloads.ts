// The workloads W1..W5, each written once per implementation. Every implementation returns
// the workload's result (the final accumulated value, a sum, or a count) and the harness
// checks it against the plain sync loop.

import { PassThrough, Readable, Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AsyncSink, from as ixFrom, merge as ixMerge, zip as ixZip } from 'ix/asynciterable'
import { filter as ixFilter, map as ixMap, memoize as ixMemoize, scan as ixScan } from 'ix/asynciterable/operators'
import * as rx from 'rxjs'
import * as most from '@most/core'
import { asap, newDefaultScheduler } from '@most/scheduler'
import type { Scheduler, Sink as MostSink, Stream, Time } from '@most/types'
import { pushable as itPushable } from 'it-pushable'
import * as si from 'streaming-iterables'
import * as sz from '../src/index.js'
import { instrument } from '../src/see/index.js'
import type { Impl, MemProbe, Workload } from './harness.js'

// ---- streamz-ts combinators that may not exist yet (written by another helper)

type Src<T> = AsyncIterable<T> | Iterable<T>
type TeeFn = <T>(source: Src<T>, n: number, options?: { highWaterMark?: number }) => AsyncIterable<T>[]
type ZipFn = <A, B>(a: AsyncIterable<A>, b: AsyncIterable<B>) => AsyncIterable<[A, B]>
type MergeFn = <T>(...sources: AsyncIterable<T>[]) => AsyncIterable<T>
const lib = sz as unknown as Record<string, unknown>
const fn = (name: string): unknown => (typeof lib[name] === 'function' ? lib[name] : undefined)
export const szTee = fn('tee') as TeeFn | undefined
export const szZip = fn('zip') as ZipFn | undefined
export const szMerge = fn('merge') as MergeFn | undefined
const missing = (...names: string[]): string | undefined => {
  const gone = names.filter((n) => typeof lib[n] !== 'function')
  return gone.length > 0 ? `${gone.join(', ')} not exported by src/index yet` : undefined
}

// ---- small shared pieces

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i)
const double = (x: number): number => x * 2
const byThree = (x: number): boolean => x % 3 === 0
const add = (a: number, x: number): number => a + x
const inc = (x: number): number => x + 1
const dec = (x: number): number => x - 1
const sumArr = (xs: readonly number[]): number => {
  let s = 0
  for (let i = 0; i < xs.length; i++) s += xs[i] as number
  return s
}

/** Subscribe and resolve on complete. */
const rxRun = <T>(o: rx.Observable<T>, next: (x: T) => void): Promise<void> =>
  new Promise<void>((resolve, reject) => o.subscribe({ next, error: reject, complete: resolve }))

/** @most/core has no array source in its API; this is the usual one (as in its own perf tests). */
function mostFromArray<A>(arr: readonly A[]): Stream<A> {
  return most.newStream((sink: MostSink<A>, scheduler: Scheduler) => {
    let active = true
    const task = asap(
      {
        run(t: Time) {
          for (let i = 0; i < arr.length && active; i++) sink.event(t, arr[i] as A)
          if (active) sink.end(t)
        },
        error(t: Time, e: Error) {
          sink.error(t, e)
        },
        dispose() {
          active = false
        },
      },
      scheduler,
    )
    return {
      dispose() {
        active = false
        task.dispose()
      },
    }
  })
}
const mostRun = <A>(s: Stream<A>): Promise<void> => most.runEffects(s, newDefaultScheduler())

const objectMode = { objectMode: true } as const
// object-mode Node streams carry `any`; the workloads only pass numbers and arrays of numbers
type Val = any // eslint-disable-line @typescript-eslint/no-explicit-any
const mapT = (f: (x: Val) => unknown): Transform =>
  new Transform({
    objectMode: true,
    transform(x: Val, _enc, cb) {
      cb(null, f(x))
    },
  })
const filterT = (p: (x: Val) => boolean): Transform =>
  new Transform({
    objectMode: true,
    transform(x: Val, _enc, cb) {
      if (p(x)) cb(null, x)
      else cb()
    },
  })
const writeT = (f: (x: Val) => void): Writable =>
  new Writable({
    objectMode: true,
    write(x: Val, _enc, cb) {
      f(x)
      cb()
    },
  })

/** What it-map does for an async source: one async generator step per element. */
async function* itMap<A, B>(source: AsyncIterable<A>, f: (x: A) => B): AsyncGenerator<B> {
  for await (const x of source) yield f(x)
}

const RESOLVED: Promise<void> = Promise.resolve()

/**
 * The W2 floor: a minimal async channel. `emit` returns a promise per item that resolves once
 * the consumer has taken it; `push` queues without waiting. One consumer, via `for await`.
 */
class Channel<T> implements AsyncIterableIterator<T> {
  private buf: T[] = []
  private head = 0
  private ended = false
  private taker: ((r: IteratorResult<T>) => void) | undefined
  private giver: (() => void) | undefined

  push(x: T): void {
    const t = this.taker
    if (t !== undefined) {
      this.taker = undefined
      t({ value: x, done: false })
    } else this.buf.push(x)
  }

  emit(x: T): Promise<void> {
    const t = this.taker
    if (t !== undefined) {
      this.taker = undefined
      t({ value: x, done: false })
      return RESOLVED
    }
    this.buf.push(x)
    return new Promise<void>((resolve) => (this.giver = resolve))
  }

  end(): void {
    this.ended = true
    const t = this.taker
    this.taker = undefined
    t?.({ value: undefined, done: true })
  }

  next(): Promise<IteratorResult<T>> {
    if (this.head < this.buf.length) {
      const x = this.buf[this.head++] as T
      if (this.head === this.buf.length) {
        this.buf = []
        this.head = 0
        const g = this.giver
        this.giver = undefined
        g?.()
      }
      return Promise.resolve({ value: x, done: false })
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true })
    return new Promise<IteratorResult<T>>((resolve) => (this.taker = resolve))
  }

  [Symbol.asyncIterator](): this {
    return this
  }
}

// ---- W1: 1,000,000 ints → map(x*2) → filter(x%3==0) → accumulate(+) → sink(last)

const N1 = 1_000_000
function buildW1(): Workload {
  const arr = range(N1)
  let expected = 0
  for (let i = 0; i < arr.length; i++) {
    const y = (arr[i] as number) * 2
    if (y % 3 === 0) expected += y
  }
  const impls: Impl[] = [
    {
      name: 'streamz-ts',
      run: async () => {
        let last = 0
        await sz.pipe(
          arr,
          sz.map(double),
          sz.filter(byThree),
          sz.accumulate(add, { start: 0 }),
          sz.sink((v: number) => (last = v)),
        )
        return last
      },
    },
    {
      name: 'streamz-ts instrumented',
      note: 'streamz-ts/see instrument(): every fused step counted',
      run: async () => {
        let last = 0
        const stream = sz.pipe(arr, sz.map(double), sz.filter(byThree), sz.accumulate(add, { start: 0 }))
        const seen = instrument(stream)
        await sz.pipe(
          stream,
          sz.sink((v: number) => (last = v)),
        )
        if (seen.snapshot().stages[1]?.in !== N1) throw new Error('W1 instrumented: map did not count every element')
        return last
      },
    },
    {
      name: 'ix',
      run: async () => {
        let last = 0
        await ixFrom(arr)
          .pipe(ixMap(double), ixFilter(byThree), ixScan({ callback: add, seed: 0 }))
          .forEach((v) => {
            last = v
          })
        return last
      },
    },
    {
      name: 'rxjs',
      run: async () => {
        let last = 0
        await rxRun(rx.from(arr).pipe(rx.map(double), rx.filter(byThree), rx.scan(add, 0)), (v) => (last = v))
        return last
      },
    },
    {
      name: '@most/core',
      note: 'array source via newStream + asap',
      run: async () => {
        let last = 0
        await mostRun(
          most.tap(
            (v: number) => (last = v),
            most.scan(add, 0, most.filter(byThree, most.map(double, mostFromArray(arr)))),
          ),
        )
        return last
      },
    },
    {
      name: 'streaming-iterables',
      note: 'no scan: accumulate is a map with a closure',
      run: async () => {
        let last = 0
        let acc = 0
        for await (const v of si.map((x: number) => (acc += x), si.filter(byThree, si.map(double, arr)))) last = v
        return last
      },
    },
    {
      name: 'node:stream',
      note: 'Readable.from → 3 object-mode Transforms → Writable, stream/promises pipeline',
      run: async () => {
        let last = 0
        let acc = 0
        await pipeline(
          Readable.from(arr),
          mapT(double),
          filterT(byThree),
          mapT((x: number) => (acc += x)),
          writeT((v: number) => (last = v)),
        )
        return last
      },
    },
    {
      name: 'fused',
      run: async () => {
        async function* fused(): AsyncGenerator<number> {
          let acc = 0
          for (let i = 0; i < arr.length; i++) {
            const y = (arr[i] as number) * 2
            if (y % 3 === 0) yield (acc += y)
          }
        }
        let last = 0
        for await (const v of fused()) last = v
        return last
      },
    },
    {
      name: 'sync',
      run: () => {
        let acc = 0
        let last = 0
        for (let i = 0; i < arr.length; i++) {
          const y = (arr[i] as number) * 2
          if (y % 3 === 0) last = acc += y
        }
        return last
      },
    },
  ]
  return {
    id: 'W1',
    title: '1,000,000 ints from an array → map(x*2) → filter(x%3==0) → accumulate(+) → sink',
    target: 0.25,
    expected,
    impls,
  }
}

// ---- W2 / W2b: 300,000 pushed items → map(x*2) → sink(sum)

const N2 = 300_000
const expected2 = N2 * (N2 - 1) // sum of 2i for i < N2

function buildW2(): Workload {
  const impls: Impl[] = [
    {
      name: 'streamz-ts',
      note: 'pushable(); await emit(i)',
      run: async () => {
        let sum = 0
        const src = sz.pushable<number>()
        const done = sz.pipe(
          src,
          sz.map(double),
          sz.sink((v: number) => (sum += v)),
        )
        for (let i = 0; i < N2; i++) await src.emit(i)
        src.end()
        await done
        return sum
      },
    },
    { name: 'ix', skip: 'AsyncSink.write() has no back pressure and nothing to await (see W2b)' },
    {
      name: 'rxjs',
      note: 'Subject: next() delivers synchronously, so there is nothing to await',
      run: async () => {
        let sum = 0
        const subject = new rx.Subject<number>()
        const done = rxRun(subject.pipe(rx.map(double)), (v) => (sum += v))
        for (let i = 0; i < N2; i++) subject.next(i)
        subject.complete()
        await done
        return sum
      },
    },
    { name: '@most/core', skip: 'no push adapter in @most/core (@most/adapter is not installed)' },
    { name: 'streaming-iterables', skip: 'no push source' },
    {
      name: 'it-pushable',
      note: 'push(i); await onEmpty(); map as an async generator (what it-map does)',
      run: async () => {
        let sum = 0
        const src = itPushable<number>({ objectMode: true })
        const done = (async () => {
          for await (const v of itMap(src, double)) sum += v
        })()
        for (let i = 0; i < N2; i++) {
          src.push(i)
          await src.onEmpty()
        }
        src.end()
        await done
        return sum
      },
    },
    {
      name: 'node:stream',
      note: 'Transform(map) → Writable; await the write callback per item',
      run: async () => {
        let sum = 0
        const t = mapT(double)
        const done = pipeline(
          t,
          writeT((v: number) => (sum += v)),
        )
        for (let i = 0; i < N2; i++)
          await new Promise<void>((resolve, reject) => t.write(i, (e) => (e ? reject(e) : resolve())))
        t.end()
        await done
        return sum
      },
    },
    {
      name: 'fused',
      note: 'hand-written channel; the producer awaits a promise per item',
      run: async () => {
        let sum = 0
        const ch = new Channel<number>()
        const done = (async () => {
          for await (const x of ch) sum += x * 2
        })()
        for (let i = 0; i < N2; i++) await ch.emit(i)
        ch.end()
        await done
        return sum
      },
    },
    {
      name: 'sync',
      run: () => {
        let sum = 0
        for (let i = 0; i < N2; i++) sum += i * 2
        return sum
      },
    },
  ]
  return { id: 'W2', title: '300,000 × await emit(i) → map(x*2) → sink', target: 1.5, expected: expected2, impls }
}

function buildW2b(): Workload {
  const impls: Impl[] = [
    {
      name: 'streamz-ts',
      note: 'pushable(); push(i)',
      run: async () => {
        let sum = 0
        const src = sz.pushable<number>()
        const done = sz.pipe(
          src,
          sz.map(double),
          sz.sink((v: number) => (sum += v)),
        )
        for (let i = 0; i < N2; i++) src.push(i)
        src.end()
        await done
        return sum
      },
    },
    process.env.BENCH_SLOW === '1'
      ? {
          name: 'ix',
          note: 'AsyncSink.write(i)',
          run: async () => {
            let sum = 0
            const src = new AsyncSink<number>()
            const done = ixFrom(src)
              .pipe(ixMap(double))
              .forEach((v) => {
                sum += v
              })
            for (let i = 0; i < N2; i++) src.write(i)
            src.end()
            await done
            return sum
          },
        }
      : {
          name: 'ix',
          skip: 'not timed (BENCH_SLOW=1 times it): AsyncSink keeps queued items in an array drained with shift(), so 300,000 queued items cost ~60 s per run (57–77 s measured once here)',
        },
    {
      name: 'rxjs',
      note: 'Subject.next(i) (the same code as W2)',
      run: async () => {
        let sum = 0
        const subject = new rx.Subject<number>()
        const done = rxRun(subject.pipe(rx.map(double)), (v) => (sum += v))
        for (let i = 0; i < N2; i++) subject.next(i)
        subject.complete()
        await done
        return sum
      },
    },
    { name: '@most/core', skip: 'no push adapter in @most/core (@most/adapter is not installed)' },
    { name: 'streaming-iterables', skip: 'no push source' },
    {
      name: 'it-pushable',
      note: 'push(i); map as an async generator',
      run: async () => {
        let sum = 0
        const src = itPushable<number>({ objectMode: true })
        const done = (async () => {
          for await (const v of itMap(src, double)) sum += v
        })()
        for (let i = 0; i < N2; i++) src.push(i)
        src.end()
        await done
        return sum
      },
    },
    {
      name: 'node:stream',
      note: 'Transform(map) → Writable; write(i) without waiting',
      run: async () => {
        let sum = 0
        const t = mapT(double)
        const done = pipeline(
          t,
          writeT((v: number) => (sum += v)),
        )
        for (let i = 0; i < N2; i++) t.write(i)
        t.end()
        await done
        return sum
      },
    },
    {
      name: 'fused',
      note: 'hand-written channel; push(i) queues',
      run: async () => {
        let sum = 0
        const ch = new Channel<number>()
        const done = (async () => {
          for await (const x of ch) sum += x * 2
        })()
        for (let i = 0; i < N2; i++) ch.push(i)
        ch.end()
        await done
        return sum
      },
    },
    {
      name: 'sync',
      run: () => {
        let sum = 0
        for (let i = 0; i < N2; i++) sum += i * 2
        return sum
      },
    },
  ]
  return {
    id: 'W2b',
    title: '300,000 × push(i) without waiting, then end() → map(x*2) → sink',
    target: 1.3,
    expected: expected2,
    impls,
  }
}

// ---- W3: 200,000 ints → tee(2) → map(inc) / map(dec) → zip → map(a+b) → sink(sum)

const N3 = 200_000
const expected3 = N3 * (N3 - 1) // (x+1)+(x-1) = 2x

/** The W3 pipeline in streamz-ts; `tick` lets the memory probe see each delivered element. */
export async function w3Streamz(arr: readonly number[], tick?: () => void): Promise<number> {
  const tee = szTee as TeeFn
  const zip = szZip as ZipFn
  let sum = 0
  const [a, b] = tee(sz.fromIterable(arr), 2) as [AsyncIterable<number>, AsyncIterable<number>]
  await sz.pipe(
    zip(sz.pipe(a, sz.map(inc)), sz.pipe(b, sz.map(dec))),
    sz.map(([x, y]: [number, number]) => x + y),
    sz.sink((v: number) => {
      sum += v
      tick?.()
    }),
  )
  return sum
}

export async function w3Fused(arr: readonly number[], tick?: () => void): Promise<number> {
  async function* fused(): AsyncGenerator<number> {
    for (let i = 0; i < arr.length; i++) {
      const x = arr[i] as number
      yield x + 1 + (x - 1)
    }
  }
  let sum = 0
  for await (const v of fused()) {
    sum += v
    tick?.()
  }
  return sum
}

export const w3Data = (): number[] => range(N3)
export const W3_EXPECTED = expected3

function buildW3(): Workload {
  const arr = w3Data()
  const impls: Impl[] = [
    (() => {
      const why = missing('tee', 'zip')
      return why !== undefined
        ? { name: 'streamz-ts', skip: why }
        : { name: 'streamz-ts', note: 'tee(fromIterable(arr), 2), default highWaterMark', run: () => w3Streamz(arr) }
    })(),
    {
      name: 'ix',
      note: 'memoize(2) as the tee (publish() loses items read before the 2nd iterator starts)',
      run: async () => {
        let sum = 0
        const shared = ixFrom(arr).pipe(ixMemoize(2))
        await ixZip(shared.pipe(ixMap(inc)), shared.pipe(ixMap(dec)))
          .pipe(ixMap(([x, y]: [number, number]) => x + y))
          .forEach((v) => {
            sum += v
          })
        return sum
      },
    },
    {
      name: 'rxjs',
      note: 'connectable(from(arr)) + zip',
      run: async () => {
        let sum = 0
        const src = rx.connectable(rx.from(arr), {
          connector: () => new rx.Subject<number>(),
          resetOnDisconnect: false,
        })
        const done = rxRun(
          rx.zip(src.pipe(rx.map(inc)), src.pipe(rx.map(dec))).pipe(rx.map(([x, y]) => x + y)),
          (v) => (sum += v),
        )
        src.connect()
        await done
        return sum
      },
    },
    {
      name: '@most/core',
      note: 'multicast + zip',
      run: async () => {
        let sum = 0
        const s = most.multicast(mostFromArray(arr))
        const zipped = most.zip((x: number, y: number): [number, number] => [x, y], most.map(inc, s), most.map(dec, s))
        await mostRun(
          most.tap(
            (v: number) => (sum += v),
            most.map(([x, y]: [number, number]) => x + y, zipped),
          ),
        )
        return sum
      },
    },
    { name: 'streaming-iterables', skip: 'no tee and no zip' },
    {
      name: 'node:stream',
      note: 'Readable.from piped into two Transforms; zip by hand over their async iterators',
      run: async () => {
        let sum = 0
        const src = Readable.from(arr)
        const ta = mapT(inc)
        const tb = mapT(dec)
        src.pipe(ta)
        src.pipe(tb)
        const ia = ta[Symbol.asyncIterator]() as AsyncIterator<number>
        const ib = tb[Symbol.asyncIterator]() as AsyncIterator<number>
        for (;;) {
          const [ra, rb] = await Promise.all([ia.next(), ib.next()])
          if (ra.done === true || rb.done === true) break
          sum += ra.value + rb.value
        }
        return sum
      },
    },
    { name: 'fused', note: 'one generator yielding (x+1)+(x-1)', run: () => w3Fused(arr) },
    {
      name: 'sync',
      run: () => {
        let sum = 0
        for (let i = 0; i < arr.length; i++) {
          const x = arr[i] as number
          sum += x + 1 + (x - 1)
        }
        return sum
      },
    },
  ]
  return {
    id: 'W3',
    title: '200,000 ints → tee(2) → map(inc) and map(dec) → zip → map(a+b) → sink',
    target: 3,
    expected: expected3,
    impls,
  }
}

// ---- W4: 8 async generators × 100,000 → merge → count

const G4 = 8
const N4 = 100_000

async function* agen(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i
}
function* sgen(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i
}
const gens = (): AsyncGenerator<number>[] => Array.from({ length: G4 }, () => agen(N4))

function buildW4(): Workload {
  const impls: Impl[] = [
    (() => {
      const merge = szMerge
      if (merge === undefined) return { name: 'streamz-ts', skip: missing('merge') }
      return {
        name: 'streamz-ts',
        run: async () => {
          let n = 0
          await sz.pipe(
            merge(...gens()),
            sz.sink(() => {
              n++
            }),
          )
          return n
        },
      }
    })(),
    {
      name: 'ix',
      run: async () => {
        let n = 0
        const [g0, ...rest] = gens() as [AsyncGenerator<number>, ...AsyncGenerator<number>[]]
        await ixMerge(g0, ...rest).forEach(() => {
          n++
        })
        return n
      },
    },
    {
      name: 'rxjs',
      note: 'merge(...gens.map(from))',
      run: async () => {
        let n = 0
        await rxRun(rx.merge(...gens().map((g) => rx.from(g))), () => n++)
        return n
      },
    },
    { name: '@most/core', skip: 'no async-iterable source in @most/core' },
    {
      name: 'streaming-iterables',
      run: async () => {
        let n = 0
        for await (const _ of si.merge(...gens())) n++
        return n
      },
    },
    {
      name: 'node:stream',
      note: 'Readable.from(gen) ×8 piped into one PassThrough (end: false)',
      run: async () => {
        let n = 0
        const out = new PassThrough(objectMode)
        let open = G4
        for (const g of gens()) {
          const r = Readable.from(g)
          r.on('end', () => {
            if (--open === 0) out.end()
          })
          r.pipe(out, { end: false })
        }
        for await (const _ of out) n++
        return n
      },
    },
    {
      name: 'fused',
      note: 'for await over each generator in turn',
      run: async () => {
        let n = 0
        for (const g of gens()) for await (const _ of g) n++
        return n
      },
    },
    {
      name: 'sync',
      note: 'sync generators',
      run: () => {
        let n = 0
        for (let k = 0; k < G4; k++) for (const _ of sgen(N4)) n++
        return n
      },
    },
  ]
  return { id: 'W4', title: '8 async generators × 100,000 → merge → count', target: 1.5, expected: G4 * N4, impls }
}

// ---- W5: 1,000 arrays of 1,000 ints → map(sum) → accumulate(+) → sink(last)

function buildW5(): Workload {
  const arrays = Array.from({ length: 1000 }, (_, i) => Array.from({ length: 1000 }, (_, j) => i * 1000 + j))
  const expected = (1_000_000 * 999_999) / 2
  const impls: Impl[] = [
    {
      name: 'streamz-ts',
      run: async () => {
        let last = 0
        await sz.pipe(
          arrays,
          sz.map(sumArr),
          sz.accumulate(add, { start: 0 }),
          sz.sink((v: number) => (last = v)),
        )
        return last
      },
    },
    {
      name: 'ix',
      run: async () => {
        let last = 0
        await ixFrom(arrays)
          .pipe(ixMap(sumArr), ixScan({ callback: add, seed: 0 }))
          .forEach((v) => {
            last = v
          })
        return last
      },
    },
    {
      name: 'rxjs',
      run: async () => {
        let last = 0
        await rxRun(rx.from(arrays).pipe(rx.map(sumArr), rx.scan(add, 0)), (v) => (last = v))
        return last
      },
    },
    {
      name: '@most/core',
      run: async () => {
        let last = 0
        await mostRun(most.tap((v: number) => (last = v), most.scan(add, 0, most.map(sumArr, mostFromArray(arrays)))))
        return last
      },
    },
    {
      name: 'streaming-iterables',
      note: 'accumulate as a map with a closure',
      run: async () => {
        let last = 0
        let acc = 0
        for await (const v of si.map((x: number) => (acc += x), si.map(sumArr, arrays))) last = v
        return last
      },
    },
    {
      name: 'node:stream',
      run: async () => {
        let last = 0
        let acc = 0
        await pipeline(
          Readable.from(arrays),
          mapT(sumArr),
          mapT((x: number) => (acc += x)),
          writeT((v: number) => (last = v)),
        )
        return last
      },
    },
    {
      name: 'fused',
      run: async () => {
        async function* fused(): AsyncGenerator<number> {
          let acc = 0
          for (const a of arrays) yield (acc += sumArr(a))
        }
        let last = 0
        for await (const v of fused()) last = v
        return last
      },
    },
    {
      name: 'sync',
      run: () => {
        let acc = 0
        for (const a of arrays) acc += sumArr(a)
        return acc
      },
    },
  ]
  return {
    id: 'W5',
    title: '1,000 arrays of 1,000 ints → map(sum) → accumulate(+) → sink',
    target: 1.2,
    expected,
    impls,
  }
}

export const WORKLOADS: readonly { readonly id: string; readonly build: () => Workload }[] = [
  { id: 'W1', build: buildW1 },
  { id: 'W2', build: buildW2 },
  { id: 'W2b', build: buildW2b },
  { id: 'W3', build: buildW3 },
  { id: 'W4', build: buildW4 },
  { id: 'W5', build: buildW5 },
]

// ---- memory runs (streamz-ts on W1 and W3, with "fused" for reference)

export interface MemCase {
  readonly workload: string
  readonly name: string
  readonly expected: number
  readonly skip?: string
  /** Allocates the input (before the memory baseline is taken) and returns the run. */
  readonly prepare?: () => (probe: MemProbe) => Promise<number>
}

function expectedW1(): number {
  let acc = 0
  for (let i = 0; i < N1; i++) if ((i * 2) % 3 === 0) acc += i * 2
  return acc
}

export function memoryCases(ids: ReadonlySet<string>): MemCase[] {
  const cases: MemCase[] = []
  if (ids.has('W1')) {
    const expected = expectedW1()
    cases.push(
      {
        workload: 'W1',
        name: 'streamz-ts',
        expected,
        prepare: () => {
          const arr = range(N1)
          return async (probe) => {
            let last = 0
            await sz.pipe(
              arr,
              sz.map(double),
              sz.filter(byThree),
              sz.accumulate(add, { start: 0 }),
              sz.sink((v: number) => {
                last = v
                probe.tick()
              }),
            )
            return last
          }
        },
      },
      {
        workload: 'W1',
        name: 'fused',
        expected,
        prepare: () => {
          const arr = range(N1)
          return async (probe) => {
            async function* fused(): AsyncGenerator<number> {
              let acc = 0
              for (let i = 0; i < arr.length; i++) {
                const y = (arr[i] as number) * 2
                if (y % 3 === 0) yield (acc += y)
              }
            }
            let last = 0
            for await (const v of fused()) {
              last = v
              probe.tick()
            }
            return last
          }
        },
      },
    )
  }
  if (ids.has('W3')) {
    const why = missing('tee', 'zip')
    cases.push(
      why !== undefined
        ? { workload: 'W3', name: 'streamz-ts', expected: expected3, skip: why }
        : {
            workload: 'W3',
            name: 'streamz-ts',
            expected: expected3,
            prepare: () => {
              const arr = w3Data()
              return (probe) => w3Streamz(arr, () => probe.tick())
            },
          },
      {
        workload: 'W3',
        name: 'fused',
        expected: expected3,
        prepare: () => {
          const arr = w3Data()
          return (probe) => w3Fused(arr, () => probe.tick())
        },
      },
    )
  }
  return cases
}
