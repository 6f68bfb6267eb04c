import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PartitionRun } from '../../src/sources/kafka/tracker.js'

test('PartitionRun: the commit point moves past records acked together with all before them', () => {
  const run = new PartitionRun('t', 0)
  // offsets with gaps (compaction, transaction markers): contiguity is in delivery order
  const seqs = [10n, 11n, 13n, 14n, 20n].map((o) => run.add(o, 0))
  assert.equal(run.outstanding, 5)
  assert.equal(run.ack(seqs[1] ?? -1), 0)
  assert.equal(run.ready, undefined)
  assert.equal(run.ack(seqs[0] ?? -1), 2)
  assert.equal(run.ready, 12n)
  assert.equal(run.ack(seqs[0] ?? -1), 0, 'a second ack does nothing')
  assert.equal(run.ack(seqs[3] ?? -1), 0)
  assert.equal(run.ack(seqs[2] ?? -1), 2)
  assert.equal(run.ready, 15n)
  assert.equal(run.dirty, true)
  run.committed = 15n
  assert.equal(run.dirty, false)
  assert.equal(run.ack(seqs[4] ?? -1), 1)
  assert.equal(run.ready, 21n)
  assert.equal(run.outstanding, 0)
})

test('PartitionRun: stays correct across compaction of its buffers', () => {
  const run = new PartitionRun('t', 0)
  const seqs: number[] = []
  for (let i = 0; i < 5000; i++) seqs.push(run.add(BigInt(i), 0))
  // ack in reverse order within blocks of 100
  for (let b = 0; b < 5000; b += 100) for (let i = b + 99; i >= b; i--) run.ack(seqs[i] ?? -1)
  assert.equal(run.ready, 5000n)
  for (let i = 5000; i < 6000; i++) seqs.push(run.add(BigInt(i), 0))
  for (let i = 5999; i >= 5000; i--) run.ack(seqs[i] ?? -1)
  assert.equal(run.ready, 6000n)
  assert.equal(run.outstanding, 0)
})
