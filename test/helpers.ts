/** Shared test helpers. */
import type { Clock } from '../src/internal/clock.js'
import type { Pushable } from '../src/sources/pushable.js'

export interface TrackState {
  /** how many times next() was called */
  pulled: number
  /** true once the generator's finally ran (return() or completion) */
  closed: boolean
}

/**
 * An async source over `items` that counts pulls and records when it is closed. With
 * `failAt: i` it throws `error` when asked for element i (after yielding 0..i-1).
 */
export function tracked<T>(
  items: Iterable<T>,
  options: { failAt?: number; error?: Error } = {},
): AsyncIterable<T> & { state: TrackState } {
  const state: TrackState = { pulled: 0, closed: false }
  const { failAt, error = new Error('source failed') } = options
  return {
    state,
    [Symbol.asyncIterator]() {
      const it = items[Symbol.iterator]()
      let i = 0
      let finished = false
      return {
        async next() {
          state.pulled++
          if (finished) return { value: undefined, done: true }
          if (failAt !== undefined && i === failAt) {
            finished = true
            state.closed = true
            throw error
          }
          const r = it.next()
          i++
          if (r.done === true) {
            finished = true
            state.closed = true
          }
          return r
        },
        async return() {
          finished = true
          state.closed = true
          return { value: undefined, done: true }
        },
      }
    },
  }
}

/** An async source that never yields until closed; records the close. */
export function forever<T>(): AsyncIterable<T> & { state: TrackState } {
  const state: TrackState = { pulled: 0, closed: false }
  return {
    state,
    [Symbol.asyncIterator]() {
      let wake: ((r: IteratorResult<T>) => void) | undefined
      return {
        next() {
          state.pulled++
          return new Promise<IteratorResult<T>>((resolve) => (wake = resolve))
        },
        async return() {
          state.closed = true
          wake?.({ value: undefined, done: true })
          return { value: undefined, done: true }
        },
      }
    },
  }
}

/** Let pending promise callbacks and immediates run. */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r))
}

/** Consume `out` in the background, recording each value with the fake time it arrived. */
export function record<T>(out: AsyncIterable<T>, clock: Clock) {
  const seen: [T, number][] = []
  const done = (async () => {
    for await (const x of out) seen.push([x, clock.now()])
  })()
  return { seen, done }
}

/** `n` consecutive integers from `from`. */
export const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i)

/** Read `src` in the background, collecting into `got`; `done` settles when it ends. */
export function consume<T>(src: AsyncIterable<T>): { got: T[]; done: Promise<void> } {
  const got: T[] = []
  const done = (async () => {
    for await (const x of src) got.push(x)
  })()
  return { got, done }
}

/** Push each step's value into its source and let the stage react before the next. */
export async function feed(steps: [Pushable<unknown>, unknown][]): Promise<void> {
  for (const [src, x] of steps) {
    src.push(x)
    await settle()
  }
}

/** `p`, or a failure after `ms` of real time: a guard against a hang, not a timing assertion. */
export async function within<T>(p: Promise<T>, what: string, ms = 2000): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${String(ms)} ms`)), ms)
  })
  try {
    return await Promise.race([p, guard])
  } finally {
    clearTimeout(timer)
  }
}

/** Poll `cond` every 5 ms until it holds, failing after `ms` of real time. */
export async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise<void>((r) => setTimeout(r, 5))
  }
}
