import pl from 'nodejs-polars'
import { abortable } from '../internal/abort.js'
import { checkFunction, checkObject, checkSignal, fail } from '../internal/check.js'
import { realClock, type Clock } from '../internal/clock.js'
import { toMs } from '../internal/duration.js'
import { interruptible } from '../internal/interruptible.js'
import type { StreamingFrame } from './frame.js'
import { toFrame } from './to-frame.js'
import { isDataFrame } from './internal/dtypes.js'

/**
 * The times {@link periodicFrame} passes to its function.
 * @example
 * ```ts
 * periodicFrame(({ last, now }: PeriodicTimes) => readRowsBetween(last, now), '1s')
 * ```
 */
export interface PeriodicTimes {
  /** When the previous call was made (for the first call: when iteration started). */
  last: Date
  /** Now: the time of this call. */
  now: Date
}

/** Options for {@link periodicFrame}. */
export interface PeriodicFrameOptions {
  /**
   * The clock to sleep on. Default: the real clock, with `Date.now()` for `last` / `now`. With a clock of your
   * own (a `FakeClock` in tests), its `now()` is taken as milliseconds since the epoch.
   */
  clock?: Clock
  /** Aborting it rejects the pending `next()` with `signal.reason` and stops the calls. */
  signal?: AbortSignal
  /**
   * The (empty) frame every chunk must look like. Without it `fn` is called once at construction with
   * `last` = `now` and its result's schema is the example (as Streamz does); an async `fn` needs it.
   */
  example?: pl.DataFrame
}

/**
 * A {@link StreamingFrame} made by calling `fn` every `interval` (Streamz `PeriodicDataFrame`): `fn` gets the
 * times of the previous and of this call, `{ last, now }`, and returns the chunk for that span (any number of
 * rows; it may be async). The first call comes one `interval` after iteration starts. Calls are made on demand
 * (a slow consumer is not flooded; a late one gets the whole span since `last` in one chunk). Never ends by
 * itself: stop it with `break` or with `options.signal`, which cancel the pending timer at once. Each chunk is
 * checked against the example as {@link toFrame} does; an error thrown by `fn` ends the stream with it.
 * @param fn - `({ last, now }) => DataFrame` (or a promise of one)
 * @param interval - milliseconds or a duration string (`'300ms'`, `'1s'`)
 * @param options - `clock`, `signal`, `example`
 * @example
 * ```ts
 * import pl from 'nodejs-polars'
 * import { periodicFrame } from 'streamz-ts/frame'
 * const load = periodicFrame(({ now }) => pl.DataFrame({ time: [now], load: [os.loadavg()[0]] }), '1s', { signal })
 * for await (const df of load.stream) console.log(df.toRecords())
 * ```
 */
export function periodicFrame(
  fn: (times: PeriodicTimes) => pl.DataFrame | PromiseLike<pl.DataFrame>,
  interval: number | string,
  options: PeriodicFrameOptions = {},
): StreamingFrame {
  checkFunction('periodicFrame', 'fn', fn)
  const ms = toMs('periodicFrame', 'interval', interval)
  if (ms === 0) fail(RangeError, 'periodicFrame', 'interval', 'a positive duration', interval)
  checkObject('periodicFrame', 'options', options)
  const { clock = realClock, signal } = options
  checkSignal('periodicFrame', signal)
  const wall = options.clock === undefined ? () => Date.now() : () => clock.now()
  let example = options.example
  if (example === undefined) {
    const t = new Date(wall())
    const first = fn({ last: t, now: t })
    if (!isDataFrame(first))
      fail(
        TypeError,
        'periodicFrame',
        'fn',
        'a function returning a DataFrame (an async one needs options.example)',
        first,
      )
    example = first.head(0)
  } else if (!isDataFrame(example))
    fail(TypeError, 'periodicFrame', 'options.example', 'a nodejs-polars DataFrame', example)

  async function* periodicFrameStage(stop: AbortSignal): AsyncGenerator<pl.DataFrame, void, undefined> {
    let last = wall()
    for (;;) {
      stop.throwIfAborted()
      const wait = last + ms - wall()
      if (wait > 0) await clock.sleep(wait, stop)
      const now = wall()
      const chunk = await fn({ last: new Date(last), now: new Date(now) })
      last = now
      yield chunk
    }
  }
  return toFrame(abortable(interruptible(periodicFrameStage, signal), signal), { example })
}

/** Options for {@link randomFrame}. */
export interface RandomFrameOptions {
  /** Time between two rows (default `'100ms'`). */
  freq?: number | string
  /** Time between two chunks (default `'500ms'`). */
  interval?: number | string
  /** A seed for reproducible values (default: `Math.random`). */
  seed?: number
  /** As for {@link periodicFrame}. */
  clock?: Clock
  /** Aborting it stops the stream. */
  signal?: AbortSignal
}

/**
 * A {@link periodicFrame} of random rows, for examples and tests (Streamz `Random`): every `interval` a chunk
 * with one row per `freq` since the previous chunk, columns `time` (Datetime ms, the row's time), `x`
 * (uniform in [0, 1)), `y` (Poisson with mean 1, Int64) and `z` (standard normal).
 * @param options - `freq`, `interval`, `seed`, `clock`, `signal`
 * @example
 * ```ts
 * import { randomFrame } from 'streamz-ts/frame'
 * const sdf = randomFrame({ freq: '10ms', interval: '100ms', signal: AbortSignal.timeout(5000) })
 * for await (const m of sdf.select('x', 'z').mean().stream) console.log(m.toRecords()[0]) // x → 0.5, z → 0
 * ```
 */
export function randomFrame(options: RandomFrameOptions = {}): StreamingFrame {
  checkObject('randomFrame', 'options', options)
  const { freq = '100ms', interval = '500ms', seed, clock, signal } = options
  const step = toMs('randomFrame', 'options.freq', freq)
  if (step === 0) fail(RangeError, 'randomFrame', 'options.freq', 'a positive duration', freq)
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed)))
    fail(TypeError, 'randomFrame', 'options.seed', 'a finite number', seed)
  const random = seed === undefined ? Math.random : mulberry32(seed)
  const example = randomBlock([], random)
  return periodicFrame(
    ({ last, now }) => {
      const times: number[] = []
      for (let t = last.getTime() + step; t <= now.getTime(); t += step) times.push(t)
      return randomBlock(times, random)
    },
    interval,
    { example, ...(clock === undefined ? {} : { clock }), ...(signal === undefined ? {} : { signal }) },
  )
}

function randomBlock(times: number[], random: () => number): pl.DataFrame {
  const n = times.length
  const x = new Array<number>(n)
  const y = new Array<number>(n)
  const z = new Array<number>(n)
  for (let i = 0; i < n; i++) {
    x[i] = random()
    // Poisson(1) by inversion: count how many uniforms multiply to below e^-1
    let k = 0
    let p = random()
    while (p > Math.exp(-1)) {
      k++
      p *= random()
    }
    y[i] = k
    // standard normal by Box-Muller
    const u = 1 - random()
    z[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
  }
  return pl.DataFrame([
    pl.Series('time', times, pl.Int64).cast(pl.Datetime('ms')),
    pl.Series('x', x, pl.Float64),
    pl.Series('y', y, pl.Int64),
    pl.Series('z', z, pl.Float64),
  ])
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
