/**
 * A FIFO queue on a growable ring buffer: `push` and `shift` are O(1), never `Array.shift`.
 * @internal
 */
export class Queue<T> {
  private buf: (T | undefined)[]
  private head = 0
  private mask: number
  length = 0

  constructor(capacity = 16) {
    let cap = 16
    while (cap < capacity) cap *= 2
    this.buf = new Array<T | undefined>(cap)
    this.mask = cap - 1
  }

  push(x: T): void {
    if (this.length > this.mask) this.grow()
    this.buf[(this.head + this.length) & this.mask] = x
    this.length++
  }

  /** Remove and return the oldest item; the queue must not be empty. */
  shift(): T {
    const x = this.buf[this.head] as T
    this.buf[this.head] = undefined
    this.head = (this.head + 1) & this.mask
    this.length--
    return x
  }

  /** The oldest item without removing it; the queue must not be empty. */
  peek(): T {
    return this.buf[this.head] as T
  }

  /** Item `i` from the oldest; `i` must be below `length`. */
  at(i: number): T {
    return this.buf[(this.head + i) & this.mask] as T
  }

  clear(): void {
    this.buf.fill(undefined)
    this.head = 0
    this.length = 0
  }

  private grow(): void {
    const old = this.buf
    const cap = old.length
    const next = new Array<T | undefined>(cap * 2)
    for (let i = 0; i < this.length; i++) next[i] = old[(this.head + i) & this.mask]
    this.buf = next
    this.head = 0
    this.mask = cap * 2 - 1
  }
}
