import { Deque, Ring } from './internal-ring.js'

/**
 * Incremental state of one statistic over a sliding window of one column. Values enter with `add` and leave
 * with `remove` in arrival order (first in, first out), each with its global row position; NaN (a missing
 * value) never reaches a kernel. Every call costs O(1) or O(log window), never O(window).
 * @internal
 */
export interface Kernel {
  add(x: number, pos: number): void
  remove(x: number, pos: number): void
  /** The statistic of the window, given its number of non-missing values; NaN when there is none. */
  value(nobs: number): number
  /** The window holds no value any more (drop accumulated rounding). */
  reset(): void
}

/** The statistics a window or rolling window computes per column. @internal */
export type StatName = 'sum' | 'mean' | 'count' | 'min' | 'max' | 'median' | 'quantile' | 'var' | 'std'

/** Running sum with Neumaier's compensation, so adding and removing values leaves no drift. @internal */
export class SumKernel implements Kernel {
  /** @internal sum and compensation, read and written by {@link ColumnStat}'s fast loop */
  s = 0
  c = 0
  constructor(readonly mean: boolean) {}
  add(x: number): void {
    const s = this.s
    const t = s + x
    this.c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s
    this.s = t
  }
  remove(x: number): void {
    this.add(-x)
  }
  value(nobs: number): number {
    const v = this.s + this.c
    return this.mean ? (nobs > 0 ? v / nobs : NaN) : v
  }
  reset(): void {
    this.s = 0
    this.c = 0
  }
}

/** The number of non-missing values (the driver counts them). @internal */
export class CountKernel implements Kernel {
  add(): void {}
  remove(): void {}
  value(nobs: number): number {
    return nobs
  }
  reset(): void {}
}

/**
 * Variance by Welford's update and its inverse (the scheme pandas' rolling var uses, with a compensated
 * mean): mean and sum of squared deviations, each value added or removed in O(1) without the cancellation of
 * a sum-of-squares formula. A run of identical values gives exactly 0.
 * @internal
 */
export class VarKernel implements Kernel {
  #n = 0
  #mean = 0
  #m2 = 0
  #comp = 0
  #prev = NaN
  #same = 0
  constructor(
    readonly ddof: number,
    readonly std: boolean,
  ) {}
  add(x: number): void {
    const n = ++this.#n
    // Welford's step, with a Kahan compensation on the running mean
    const prevMean = this.#mean - this.#comp
    const y = x - this.#comp
    const t = y - this.#mean
    this.#comp = t + this.#mean - y
    this.#mean += t / n
    this.#m2 += (x - prevMean) * (x - this.#mean)
    if (x === this.#prev) this.#same++
    else {
      this.#prev = x
      this.#same = 1
    }
  }
  remove(x: number): void {
    const n = --this.#n
    if (n === 0) {
      this.#mean = 0
      this.#m2 = 0
      this.#comp = 0
      return
    }
    const prevMean = this.#mean - this.#comp
    const y = x - this.#comp
    const t = y - this.#mean
    this.#comp = t + this.#mean - y
    this.#mean -= t / n
    this.#m2 -= (x - prevMean) * (x - this.#mean)
  }
  value(nobs: number): number {
    if (nobs <= this.ddof) return NaN
    const v = nobs === 1 || this.#same >= nobs ? 0 : Math.max(this.#m2, 0) / (nobs - this.ddof)
    return this.std ? Math.sqrt(v) : v
  }
  reset(): void {
    this.#n = 0
    this.#mean = 0
    this.#m2 = 0
    this.#comp = 0
    this.#prev = NaN
    this.#same = 0
  }
}

/** Min or max by a monotonic deque of positions: O(1) amortized per value. @internal */
export class MinMaxKernel implements Kernel {
  readonly #dq = new Deque()
  constructor(
    readonly ring: Ring,
    readonly max: boolean,
  ) {}
  add(x: number, pos: number): void {
    const dq = this.#dq
    const ring = this.ring
    if (this.max) while (dq.size > 0 && ring.get(dq.back()) <= x) dq.popBack()
    else while (dq.size > 0 && ring.get(dq.back()) >= x) dq.popBack()
    dq.pushBack(pos)
  }
  remove(_x: number, pos: number): void {
    if (this.#dq.size > 0 && this.#dq.front() === pos) this.#dq.popFront()
  }
  value(): number {
    return this.#dq.size > 0 ? this.ring.get(this.#dq.front()) : NaN
  }
  reset(): void {
    this.#dq.clear()
  }
}

/** A binary min-heap of (key, position) pairs in growable typed arrays. @internal */
class Heap {
  keys = new Float64Array(64)
  poss = new Float64Array(64)
  size = 0

  push(key: number, pos: number): void {
    if (this.size === this.keys.length) {
      const k = new Float64Array(this.size * 2)
      k.set(this.keys)
      this.keys = k
      const p = new Float64Array(this.size * 2)
      p.set(this.poss)
      this.poss = p
    }
    const keys = this.keys
    const poss = this.poss
    let i = this.size++
    while (i > 0) {
      const parent = (i - 1) >> 1
      const pk = keys[parent] as number
      if (pk <= key) break
      keys[i] = pk
      poss[i] = poss[parent] as number
      i = parent
    }
    keys[i] = key
    poss[i] = pos
  }

  pop(): void {
    const n = --this.size
    if (n === 0) return
    this.#siftDown(0, this.keys[n] as number, this.poss[n] as number)
  }

  #siftDown(from: number, key: number, pos: number): void {
    const keys = this.keys
    const poss = this.poss
    const n = this.size
    let i = from
    for (;;) {
      let c = 2 * i + 1
      if (c >= n) break
      if (c + 1 < n && (keys[c + 1] as number) < (keys[c] as number)) c++
      const ck = keys[c] as number
      if (ck >= key) break
      keys[i] = ck
      poss[i] = poss[c] as number
      i = c
    }
    keys[i] = key
    poss[i] = pos
  }

  /** Keep only entries at positions ≥ `start`, in O(size). */
  compact(start: number): void {
    let j = 0
    for (let i = 0; i < this.size; i++) {
      const p = this.poss[i] as number
      if (p >= start) {
        this.keys[j] = this.keys[i] as number
        this.poss[j] = p
        j++
      }
    }
    this.size = j
    for (let i = (j >> 1) - 1; i >= 0; i--) this.#siftDown(i, this.keys[i] as number, this.poss[i] as number)
  }
}

/**
 * Quantile (linear interpolation, as pandas) or median over a sliding window: two heaps split at the wanted
 * rank (a max-heap of the lower values, a min-heap of the upper ones), values leaving the window deleted
 * lazily (they are skipped when they reach a top, and a heap is compacted once it holds more stale entries
 * than live ones). O(log window) amortized per value.
 * @internal
 */
export class QuantileKernel implements Kernel {
  /** Lower values, keys negated (a max-heap as a min-heap). */
  readonly #low = new Heap()
  readonly #up = new Heap()
  #lowN = 0
  #upN = 0
  /** Positions below this have left the window. */
  #start = 0
  /** Which heap holds each position: 0 lower, 1 upper. */
  readonly #side = new Ring()

  constructor(
    /** In [0, 1]; NaN for the median (mean of the two middle values). */
    readonly q: number,
  ) {}

  #lowTop(): number {
    const h = this.#low
    while (h.size > 0 && (h.poss[0] as number) < this.#start) h.pop()
    return -(h.keys[0] as number)
  }

  #upTop(): number {
    const h = this.#up
    while (h.size > 0 && (h.poss[0] as number) < this.#start) h.pop()
    return h.keys[0] as number
  }

  add(x: number, pos: number): void {
    while (this.#side.end < pos) this.#side.push(0)
    if (this.#lowN > 0 && x <= this.#lowTop()) {
      this.#low.push(-x, pos)
      this.#side.push(0)
      this.#lowN++
    } else {
      this.#up.push(x, pos)
      this.#side.push(1)
      this.#upN++
    }
  }

  remove(_x: number, pos: number): void {
    if (this.#side.get(pos) === 0) this.#lowN--
    else this.#upN--
    this.#start = pos + 1
    this.#side.dropBefore(pos + 1)
    if (this.#low.size > 2 * this.#lowN + 64) this.#low.compact(this.#start)
    if (this.#up.size > 2 * this.#upN + 64) this.#up.compact(this.#start)
  }

  /** Make the lower heap hold exactly `k` live values. */
  #balance(k: number): void {
    while (this.#lowN > k) {
      const v = this.#lowTop()
      const p = this.#low.poss[0] as number
      this.#low.pop()
      this.#up.push(v, p)
      this.#side.set(p, 1)
      this.#lowN--
      this.#upN++
    }
    while (this.#lowN < k) {
      const v = this.#upTop()
      const p = this.#up.poss[0] as number
      this.#up.pop()
      this.#low.push(-v, p)
      this.#side.set(p, 0)
      this.#lowN++
      this.#upN--
    }
  }

  value(nobs: number): number {
    if (nobs === 0) return NaN
    if (Number.isNaN(this.q)) {
      // median: the middle value, or the mean of the two middle ones
      const mid = nobs >> 1
      if (nobs % 2 === 1) {
        this.#balance(mid + 1)
        return this.#lowTop()
      }
      this.#balance(mid)
      return (this.#lowTop() + this.#upTop()) / 2
    }
    const at = this.q * (nobs - 1)
    const lo = Math.floor(at)
    this.#balance(lo + 1)
    const vlo = this.#lowTop()
    if (at === lo) return vlo
    const vhi = this.#upTop()
    return vlo + (vhi - vlo) * (at - lo)
  }

  reset(): void {
    this.#low.size = 0
    this.#up.size = 0
    this.#lowN = 0
    this.#upN = 0
  }
}

/**
 * One column's backlog and one statistic over it: values arrive in order, leave from the front when the
 * window moves on (`evictTo`), and the statistic is read per row (rolling) or once per chunk (windows).
 * @internal
 */
export class ColumnStat {
  readonly ring = new Ring()
  nobs = 0
  readonly kernel: Kernel

  constructor(
    readonly stat: StatName,
    readonly minPeriods: number,
    param: number,
  ) {
    this.kernel = makeKernel(stat, param, this.ring)
  }

  /** Append one value (NaN = missing). */
  push(x: number): void {
    const pos = this.ring.end
    this.ring.push(x)
    if (x === x) {
      this.kernel.add(x, pos)
      this.nobs++
    }
  }

  /** Let every row before global position `start` leave the window. */
  evictTo(start: number): void {
    const ring = this.ring
    const k = this.kernel
    while (ring.start < start) {
      const p = ring.start
      const y = ring.get(p)
      if (y === y) {
        k.remove(y, p)
        if (--this.nobs === 0) k.reset()
      }
      ring.start = p + 1
    }
  }

  /** The statistic now, NaN below `minPeriods` values. */
  value(): number {
    return this.nobs >= this.minPeriods ? this.kernel.value(this.nobs) : NaN
  }

  /**
   * Rolling: append `values` (one chunk) and write into `out[i]` the statistic of the window that ends at
   * row i, which starts at global position `starts[i]` (span windows), or holds the last `n` rows (`starts`
   * null). Returns whether a result is NaN (no result).
   */
  roll(values: Float64Array, starts: Float64Array | null, n: number, out: Float64Array): boolean {
    if (this.kernel instanceof SumKernel) return this.#rollSum(this.kernel, values, starts, n, out)
    const h = values.length
    let nan = false
    for (let i = 0; i < h; i++) {
      this.push(values[i] as number)
      this.evictTo(starts === null ? this.ring.end - n : (starts[i] as number))
      const v = this.value()
      if (v !== v) nan = true
      out[i] = v
    }
    return nan
  }

  #rollSum(k: SumKernel, values: Float64Array, starts: Float64Array | null, n: number, out: Float64Array): boolean {
    const ring = this.ring
    const h = values.length
    const { buf, mask } = ring.reserve(h)
    const minp = this.minPeriods
    const mean = k.mean
    let s = k.s
    let c = k.c
    let nobs = this.nobs
    let start = ring.start
    let end = ring.end
    let nan = false
    let i = 0
    if (starts === null && nobs === n && end - start === n && n >= minp && n > 0) {
      // The steady state of a window of rows: full, no missing value in it. Each row adds one value and
      // removes the oldest, as the loop below does (the same operations, the same results), without its
      // checks for missing values and window bounds: about half the time per row. A missing value hands
      // over to the loop below (one leaving cannot occur: none entered).
      for (; i < h; i++) {
        const x = values[i] as number
        if (x !== x) break
        const y = buf[start & mask] as number
        buf[end & mask] = x
        end++
        start++
        let t = s + x
        c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s
        s = t
        t = s - y
        c += Math.abs(s) >= Math.abs(y) ? s - t - y : -y - t + s
        s = t
        out[i] = mean ? (s + c) / n : s + c
      }
    }
    for (; i < h; i++) {
      const x = values[i] as number
      buf[end & mask] = x
      end++
      if (x === x) {
        const t = s + x
        c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s
        s = t
        nobs++
      }
      const st = starts === null ? end - n : (starts[i] as number)
      while (start < st) {
        const y = -(buf[start & mask] as number)
        start++
        if (y === y) {
          if (--nobs === 0) {
            s = 0
            c = 0
          } else {
            const t = s + y
            c += Math.abs(s) >= Math.abs(y) ? s - t + y : y - t + s
            s = t
          }
        }
      }
      if (nobs >= minp && (nobs > 0 || !mean)) out[i] = mean ? (s + c) / nobs : s + c
      else {
        out[i] = NaN
        nan = true
      }
    }
    k.s = s
    k.c = c
    this.nobs = nobs
    ring.start = start
    ring.end = end
    return nan
  }
}

function makeKernel(stat: StatName, param: number, ring: Ring): Kernel {
  switch (stat) {
    case 'sum':
      return new SumKernel(false)
    case 'mean':
      return new SumKernel(true)
    case 'count':
      return new CountKernel()
    case 'min':
      return new MinMaxKernel(ring, false)
    case 'max':
      return new MinMaxKernel(ring, true)
    case 'median':
      return new QuantileKernel(NaN)
    case 'quantile':
      return new QuantileKernel(param)
    case 'var':
      return new VarKernel(param, false)
    case 'std':
      return new VarKernel(param, true)
  }
}
