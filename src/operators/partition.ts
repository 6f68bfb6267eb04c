import { batchAcks } from '../internal/ack.js'
import type { Stage } from '../pipe/types.js'
import { DONE, fuse, isPromiseLike, type PushResult, type Step } from '../pipe/flow.js'
import { checkInteger, checkObject, checkSignal } from '../internal/check.js'
import { realClock, type Clock } from '../internal/clock.js'
import { toMs } from '../internal/duration.js'
import { abortable } from '../internal/abort.js'
import { interruptible } from '../internal/interruptible.js'
import { closeAll } from '../internal/close-all.js'
import { keyFunction, type KeyName } from './pluck.js'
import { describeStage } from '../internal/describe.js'

/** Options for {@link partition}. */
export interface PartitionOptions<T> {
  /** Emit a partial partition once this long has passed since its first element arrived: ms or a duration string. */
  timeout?: number | string
  /** Partition elements with the same key separately: a function of the element, or a property name read from it. */
  key?: ((x: T) => unknown) | KeyName
  /** The clock the timeout runs on (default the real clock). */
  clock?: Clock
  /** Aborting it rejects the consumer's `next()` with `signal.reason` and closes the source. */
  signal?: AbortSignal
}

/**
 * Group elements into arrays of `n` (Streamz `partition`). With `key`, each key gets its own
 * partition, emitted when that key has `n` elements. With `timeout`, a partition is also
 * emitted, partial, once `timeout` has passed since its first element arrived (one timer per
 * pending partition, as in Streamz). When the source ends, the partial partitions left are
 * emitted, oldest first (Streamz 0.6.4 drops them); on a source or `key` error they are
 * dropped and the error reaches the consumer; `break` or an abort closes the source and
 * cancels the timer.
 * @param n - the partition size, a positive integer
 * @param options - `{ timeout, key, clock, signal }`
 * @example
 * ```ts
 * await pipe([0, 1, 2, 3, 4], partition(2), toArray()) // [[0, 1], [2, 3], [4]]
 * await pipe([0, 1, 2, 3], partition(2, { key: (x) => x % 2 }), toArray()) // [[0, 2], [1, 3]]
 * await pipe(events, partition(100, { timeout: '1s' }), sink(saveBatch)) // at most 1 s of latency
 * ```
 */
export function partition<T>(n: number, options: PartitionOptions<T> = {}): Stage<T, T[]> {
  checkInteger('partition', 'n', n, 1)
  checkObject('partition', 'options', options)
  const { timeout, key, clock = realClock, signal } = options
  const ms = timeout === undefined ? undefined : toMs('partition', 'timeout', timeout)
  const keyOf = key === undefined ? undefined : keyFunction<T>('partition', key)
  checkSignal('partition', signal)
  if (ms !== undefined && n > 1) return partitionTimed(n, ms, keyOf, clock, signal)
  const fused = keyOf === undefined ? partitionPlain<T>(n) : partitionKeyed(n, keyOf)
  return signal === undefined ? fused : (source) => fused(abortable(source, signal))
}

/** Push each array in turn (waiting for any promise), then end downstream. */
function flushAll<T>(down: Step<T[]>, parts: Iterator<T[]>): PushResult {
  for (;;) {
    const p = parts.next()
    if (p.done === true) return down.end()
    const r = down.push(p.value)
    if (r === DONE) return DONE
    if (isPromiseLike(r)) return r.then((v) => (v === DONE ? DONE : flushAll(down, parts)))
  }
}

function partitionPlain<T>(n: number): Stage<T, T[]> {
  return fuse<T, T[]>(`partition(${n})`, (down) => {
    let buf: T[] = []
    return {
      push(x) {
        buf.push(x)
        if (buf.length < n) return
        const full = buf
        buf = []
        return down.push(full)
      },
      end() {
        const rest = buf
        buf = []
        return flushAll(down, (rest.length > 0 ? [rest] : [])[Symbol.iterator]())
      },
    }
  })
}

function partitionKeyed<T>(n: number, keyOf: (x: T) => unknown): Stage<T, T[]> {
  return fuse<T, T[]>(`partition(${n}, key)`, (down) => {
    // a key is deleted when its partition is emitted, so the Map holds only pending
    // partitions, in the order they began (and keys seen once are not kept forever)
    const parts = new Map<unknown, T[]>()
    return {
      push(x) {
        const k = keyOf(x)
        const buf = parts.get(k)
        if (buf === undefined) {
          if (n === 1) return down.push([x])
          parts.set(k, [x])
          return
        }
        buf.push(x)
        if (buf.length < n) return
        parts.delete(k)
        return down.push(buf)
      },
      end() {
        const rest = [...parts.values()]
        parts.clear()
        return flushAll(down, rest[Symbol.iterator]())
      },
    }
  })
}

const FIRED: unique symbol = Symbol('fired')
type Pulled<T> = { ok: true; r: IteratorResult<T> } | { ok: false; error: unknown }
interface Pending<T> {
  items: T[]
  deadline: number
}

function partitionTimed<T>(
  n: number,
  ms: number,
  keyOf: ((x: T) => unknown) | undefined,
  clock: Clock,
  signal: AbortSignal | undefined,
): Stage<T, T[]> {
  return describeStage(
    `partition(${n}, ${ms}ms)`,
    batchAcks((source: AsyncIterable<T>) =>
      interruptible(async function* partitionStage(_stop, track) {
        const it = abortable(track(source), signal)[Symbol.asyncIterator]()
        // pending partitions by key, oldest first: deadlines grow in insertion order, so the
        // first entry is always the next to time out
        const parts = new Map<unknown, Pending<T>>()
        let pull: Promise<Pulled<T>> | undefined
        let timer: { deadline: number; ac: AbortController; fired: Promise<typeof FIRED | undefined> } | undefined
        let srcDone = false
        const cancel = (): void => {
          timer?.ac.abort()
          timer = undefined
        }
        // before a yield: a timer left for a partition already emitted must not sleep on while
        // the consumer holds the generator suspended
        const dropStaleTimer = (): void => {
          if (timer !== undefined && parts.values().next().value?.deadline !== timer.deadline) cancel()
        }
        try {
          for (;;) {
            const now = clock.now()
            for (const [k, p] of parts) {
              if (p.deadline > now) break
              parts.delete(k)
              dropStaleTimer()
              yield p.items
            }
            const first = parts.values().next()
            if (first.done === true) cancel()
            else if (timer === undefined || timer.deadline !== first.value.deadline) {
              cancel()
              const ac = new AbortController()
              const deadline = first.value.deadline
              const fired = clock.sleep(Math.max(0, deadline - clock.now()), ac.signal).then(
                (): typeof FIRED => FIRED,
                () => undefined,
              )
              timer = { deadline, ac, fired }
            }
            pull ??= it.next().then(
              (r): Pulled<T> => ({ ok: true, r }),
              (error: unknown): Pulled<T> => ({ ok: false, error }),
            )
            const ev = timer === undefined ? await pull : await Promise.race([pull, timer.fired])
            if (ev === FIRED) {
              timer = undefined
              continue
            }
            if (ev === undefined) continue // a cancelled timer: cannot win a race, but be safe
            pull = undefined
            if (!ev.ok) {
              srcDone = true
              throw ev.error
            }
            if (ev.r.done === true) {
              srcDone = true
              cancel()
              for (const p of parts.values()) yield p.items
              parts.clear()
              return
            }
            const x = ev.r.value
            // partitions that are due go out before x can join one of them
            const at = clock.now()
            for (const [k, p] of parts) {
              if (p.deadline > at) break
              parts.delete(k)
              dropStaleTimer()
              yield p.items
            }
            const k = keyOf === undefined ? undefined : keyOf(x)
            const p = parts.get(k)
            if (p === undefined) parts.set(k, { items: [x], deadline: clock.now() + ms })
            else {
              p.items.push(x)
              if (p.items.length >= n) {
                parts.delete(k)
                dropStaleTimer()
                yield p.items
              }
            }
          }
        } finally {
          cancel()
          if (!srcDone) closeAll([it])
        }
      }, signal),
    ),
  )
}
