/**
 * Growable circular buffers of float64 indexed by a global position (row number since the stream began):
 * the backlog of a rolling window or a window, O(1) to append, to drop the oldest rows and to read a row.
 * `pos & mask` keeps the low bits of any integer position below 2^53 (ToInt32 is modular), so positions
 * past 2^31 still land in the right slot.
 * @internal
 */
export class Ring {
  #buf: Float64Array
  #mask: number
  /** Global position of the oldest row held. */
  start = 0
  /** Global position one past the newest row held. */
  end = 0

  constructor(capacity = 1024) {
    let cap = 16
    while (cap < capacity) cap *= 2
    this.#buf = new Float64Array(cap)
    this.#mask = cap - 1
  }

  get size(): number {
    return this.end - this.start
  }

  push(v: number): void {
    if (this.end - this.start > this.#mask) this.#grow()
    this.#buf[this.end & this.#mask] = v
    this.end++
  }

  /** The value at global position `pos` (which must be held). */
  get(pos: number): number {
    return this.#buf[pos & this.#mask] as number
  }

  set(pos: number, v: number): void {
    this.#buf[pos & this.#mask] = v
  }

  /** Make room for `n` more rows without growing in between; the buffer and mask for direct access. */
  reserve(n: number): { buf: Float64Array; mask: number } {
    while (this.end - this.start + n > this.#mask + 1) this.#grow()
    return { buf: this.#buf, mask: this.#mask }
  }

  /** Forget every row before global position `pos`. */
  dropBefore(pos: number): void {
    if (pos > this.start) this.start = Math.min(pos, this.end)
  }

  #grow(): void {
    const old = this.#buf
    const oldMask = this.#mask
    const buf = new Float64Array(old.length * 2)
    const mask = buf.length - 1
    for (let p = this.start; p < this.end; p++) buf[p & mask] = old[p & oldMask] as number
    this.#buf = buf
    this.#mask = mask
  }
}

/**
 * A double-ended queue of float64 (positions, for the monotonic deques of rolling min / max).
 * @internal
 */
export class Deque {
  #buf = new Float64Array(16)
  #head = 0
  #size = 0

  get size(): number {
    return this.#size
  }

  front(): number {
    return this.#buf[this.#head] as number
  }

  back(): number {
    return this.#buf[(this.#head + this.#size - 1) & (this.#buf.length - 1)] as number
  }

  pushBack(v: number): void {
    if (this.#size === this.#buf.length) this.#grow()
    this.#buf[(this.#head + this.#size) & (this.#buf.length - 1)] = v
    this.#size++
  }

  popBack(): void {
    this.#size--
  }

  popFront(): void {
    this.#head = (this.#head + 1) & (this.#buf.length - 1)
    this.#size--
  }

  clear(): void {
    this.#head = 0
    this.#size = 0
  }

  #grow(): void {
    const old = this.#buf
    const buf = new Float64Array(old.length * 2)
    for (let i = 0; i < this.#size; i++) buf[i] = old[(this.#head + i) & (old.length - 1)] as number
    this.#buf = buf
    this.#head = 0
  }
}
