/**
 * Per-partition acknowledgement tracking for the Kafka sources: which offsets may be committed.
 * @internal
 */

/**
 * The records of one partition handed out in one run (from when this member got the partition,
 * until it loses it or the client seeks back before the run's first offset). Offsets can skip
 * (compaction, transaction markers), so "contiguous" is in delivery order: the commit point moves
 * past a record only when it and every record delivered before it are acknowledged.
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
  /** the first delivered offset */
  first = -1n
  /** the last delivered offset */
  last = -1n
  /** records handed out and not yet acknowledged */
  outstanding = 0
  /** false once the run is replaced or its partition revoked: its acks no longer commit */
  active = true
  // delivered records in order, from sequence number `base`: offsets and ack flags
  private offsets: bigint[] = []
  private acked: boolean[] = []
  private base = 0
  private head = 0

  constructor(topic: string, partition: number) {
    this.topic = topic
    this.partition = partition
  }

  /** Track a delivered record; returns its sequence number for {@link ack}. */
  add(offset: bigint, leaderEpoch: number): number {
    this.offsets.push(offset)
    this.acked.push(false)
    this.outstanding++
    if (this.offsets.length === 1 && this.base === 0) this.first = offset
    this.last = offset
    this.leaderEpoch = leaderEpoch
    return this.base + this.offsets.length - 1
  }

  /** Mark record `seq` acknowledged; returns how many records the commit point moved past. */
  ack(seq: number): number {
    const i = seq - this.base
    const acked = this.acked
    if (i < this.head || acked[i] !== false) return 0
    acked[i] = true
    this.outstanding--
    let h = this.head
    if (i !== h) return 0
    const n = acked.length
    while (h < n && acked[h] === true) h++
    const moved = h - this.head
    this.ready = (this.offsets[h - 1] as bigint) + 1n
    this.head = h
    if (h > 1024 && h * 2 > n) {
      this.offsets = this.offsets.slice(h)
      this.acked = acked.slice(h)
      this.base += h
      this.head = 0
    }
    return moved
  }

  /** True when there is an acknowledged offset not yet committed. */
  get dirty(): boolean {
    return this.ready !== undefined && this.ready !== this.committed
  }
}
