import type pl from 'nodejs-polars'

/**
 * The rows of a window kept as the chunks they came in (no copy): new chunks go in at the back, rows leave
 * from the front, a chunk that leaves in part is sliced (a view in Polars). Positions are global row numbers.
 * @internal
 */
export class Backlog {
  #q: { df: pl.DataFrame; start: number }[] = []
  #head = 0
  /** Global position of the oldest row held. */
  start = 0
  /** Global position one past the newest row. */
  end = 0

  push(df: pl.DataFrame): void {
    if (df.height > 0) this.#q.push({ df, start: this.end })
    this.end += df.height
  }

  /** Let every row before `pos` leave; the pieces that left, oldest first. */
  evictTo(pos: number): pl.DataFrame[] {
    const gone: pl.DataFrame[] = []
    const q = this.#q
    while (this.#head < q.length) {
      const e = q[this.#head] as { df: pl.DataFrame; start: number }
      if (e.start >= pos) break
      const stop = e.start + e.df.height
      if (stop <= pos) {
        gone.push(e.df)
        this.#head++
      } else {
        const k = pos - e.start
        gone.push(e.df.slice(0, k))
        q[this.#head] = { df: e.df.slice(k, e.df.height - k), start: pos }
        break
      }
    }
    if (pos > this.start) this.start = Math.min(pos, this.end)
    if (this.#head > 64 && this.#head * 2 > q.length) {
      this.#q = q.slice(this.#head)
      this.#head = 0
    }
    return gone
  }

  /** The chunks (or parts) in the window, oldest first. */
  frames(): pl.DataFrame[] {
    return this.#q.slice(this.#head).map((e) => e.df)
  }
}
