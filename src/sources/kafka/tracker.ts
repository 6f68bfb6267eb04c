/**
 * Per-partition acknowledgement tracking for the Kafka sources: which offsets may be committed.
 * @internal
 */

/** One delivered record of a partition, in delivery order. */
export interface Entry {
  offset: bigint
  acked: boolean
}

/**
 * The records of one partition handed out in one run (a run restarts when the client seeks the
 * partition back, after a rebalance). Offsets can skip (compaction, transaction markers), so
 * "contiguous" is in delivery order: the commit point moves past a record only when it and every
 * record delivered before it are acknowledged.
 */
export class PartitionRun {
  readonly topic: string
  readonly partition: number
  /** the next offset to commit: last contiguously acked offset + 1, or undefined */
  ready: bigint | undefined = undefined
  /** the last offset committed by us in this run */
  committed: bigint | undefined = undefined
  /** the leader epoch of the latest record, sent with the commit */
  leaderEpoch = -1
  /** the last delivered offset */
  last = -1n
  /** records handed out and not yet acknowledged */
  outstanding = 0
  private readonly entries: Entry[] = []
  private head = 0

  constructor(topic: string, partition: number) {
    this.topic = topic
    this.partition = partition
  }

  /** Track a delivered record; returns its entry for {@link ack}. */
  add(offset: bigint, leaderEpoch: number): Entry {
    const e: Entry = { offset, acked: false }
    this.entries.push(e)
    this.outstanding++
    this.last = offset
    this.leaderEpoch = leaderEpoch
    return e
  }

  /** Mark `e` acknowledged; returns how many records the commit point moved past. */
  ack(e: Entry): number {
    if (e.acked) return 0
    e.acked = true
    this.outstanding--
    let moved = 0
    const es = this.entries
    while (this.head < es.length) {
      const h = es[this.head] as Entry
      if (!h.acked) break
      this.ready = h.offset + 1n
      this.head++
      moved++
    }
    if (this.head > 1024 && this.head * 2 > es.length) {
      es.splice(0, this.head)
      this.head = 0
    }
    return moved
  }

  /** True when there is an acknowledged offset not yet committed. */
  get dirty(): boolean {
    return this.ready !== undefined && this.ready !== this.committed
  }
}
