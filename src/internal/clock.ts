/**
 * Time as the time-based operators see it. Every one of them takes `{ clock }`, so tests
 * can run them on a {@link FakeClock} instead of real time.
 * @example
 * ```ts
 * // a clock that runs ten times faster than real time
 * const fast: Clock = { now: () => realClock.now() * 10, sleep: (ms, signal) => realClock.sleep(ms / 10, signal) }
 * ```
 */
export interface Clock {
  /** The current time in milliseconds (any origin; only differences matter). */
  now(): number
  /** Resolve after `ms`; reject with `signal.reason` if the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/**
 * The real clock: `performance.now()` and `setTimeout`.
 * @example
 * ```ts
 * await pipe(source, rateLimit(100, { clock: realClock }), sink(console.log))
 * ```
 */
export const realClock: Clock = {
  now: () => performance.now(),
  sleep(ms, signal) {
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error)
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(signal?.reason as Error)
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  },
}

interface Timer {
  at: number
  seq: number
  resolve: () => void
}

/**
 * A clock that moves only when told to, for tests of time-based pipelines without real
 * sleeps. `advance(ms)` fires the timers that fall due in order, letting the code each one
 * wakes run (and set new timers) before the next fires.
 * @example
 * ```ts
 * const clock = new FakeClock()
 * const out = pipe(source, delay(1000, { clock }))[Symbol.asyncIterator]()
 * const first = out.next()
 * await clock.advance(1000)
 * await first // delivered after exactly 1000 fake ms
 * ```
 */
export class FakeClock implements Clock {
  private t: number
  private seq = 0
  private timers: Timer[] = []

  constructor(start = 0) {
    this.t = start
  }

  now(): number {
    return this.t
  }

  /** How many sleeps are waiting. */
  get pending(): number {
    return this.timers.length
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error)
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = {
        at: this.t + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
      }
      const onAbort = (): void => {
        this.timers = this.timers.filter((x) => x !== timer)
        reject(signal?.reason as Error)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.timers.push(timer)
    })
  }

  /** Let every pending callback and promise run, without moving time. */
  async flush(): Promise<void> {
    for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r))
  }

  /** Move time forward by `ms`, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`FakeClock.advance: ms must be a non-negative number, got ${String(ms)}`)
    const target = this.t + ms
    await this.flush()
    for (;;) {
      let next: Timer | undefined
      for (const timer of this.timers)
        if (
          timer.at <= target &&
          (next === undefined || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))
        )
          next = timer
      if (next === undefined) break
      this.timers = this.timers.filter((x) => x !== next)
      this.t = Math.max(this.t, next.at)
      next.resolve()
      await this.flush()
    }
    this.t = target
    await this.flush()
  }
}
