import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  pipe,
  map,
  filter,
  partition,
  slidingWindow,
  flatten,
  timedWindow,
  sink,
  toArray,
  pluck,
  unique,
} from '../../src/index.js'
import { ackOf, carryAcks, carriesAcks, holdAck, withAck } from '../../src/internal/ack.js'
import { FakeClock } from '../../src/internal/clock.js'

interface Rec {
  id: number
  v: number
}

/** A marked source of `n` records { id, v: id } (or the given values); `acked` lists the ids acknowledged, in order. */
function records(values: readonly number[]): { src: AsyncIterable<Rec>; acked: number[] } {
  const acked: number[] = []
  async function* gen(): AsyncGenerator<Rec> {
    for (const [id, v] of values.entries()) yield withAck({ id, v }, () => acked.push(id))
  }
  return { src: carryAcks(gen()), acked }
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i)
const tick = (): Promise<void> => new Promise((r) => setImmediate(r))

test('acks: map to a number, filter, then a sink: each ack comes after the sink is done with it; a dropped one is acked', async () => {
  const { src, acked } = records(range(6))
  const seen: string[] = []
  await pipe(
    src,
    map((r: Rec) => r.v * 10),
    filter((x: number) => x % 20 === 0),
    sink(async (x: number) => {
      seen.push(`sink ${String(x)} with acked [${acked.join(',')}]`)
      await tick()
    }),
  )
  assert.deepEqual(acked, [0, 1, 2, 3, 4, 5])
  // the sink saw element 2 (20) before 2 was acked, and after 1 (dropped) was
  assert.deepEqual(seen, ['sink 0 with acked []', 'sink 20 with acked [0,1]', 'sink 40 with acked [0,1,2,3]'])
})

test('acks: an element is not acked while the sink is still working on it, nor when the sink fails', async () => {
  const { src, acked } = records(range(3))
  let release: () => void = () => undefined
  const done = pipe(
    src,
    pluck<Rec, 'v'>('v'),
    sink((x: number) => {
      if (x === 1) return new Promise<void>((r) => (release = r))
      if (x === 2) throw new Error('sink failed')
    }),
  )
  await tick()
  await tick()
  assert.deepEqual(acked, [0], 'element 1 is still in the sink')
  release()
  await assert.rejects(done, /sink failed/)
  assert.deepEqual(acked, [0, 1], 'the failed element 2 is never acked')
})

test('acks: partition(3) acks every element of a batch once the batch is done, and the partial last one too', async () => {
  const { src, acked } = records(range(7))
  const log: string[] = []
  await pipe(
    src,
    map((r: Rec) => r.v),
    partition(3),
    sink((b: number[]) => {
      log.push(`${b.join('')}:${acked.length}`)
    }),
  )
  assert.deepEqual(log, ['012:0', '345:3', '6:6'])
  assert.deepEqual(acked, [0, 1, 2, 3, 4, 5, 6])
})

test('acks: keyed partition acks exactly the elements of the emitted batch, even for equal values', async () => {
  const { src, acked } = records([1, 2, 1, 1, 2, 1])
  const log: string[] = []
  await pipe(
    src,
    map((r: Rec) => r.v),
    partition(2, { key: (x: number) => x }),
    sink((b: number[]) => {
      log.push(`${b.join('')} acked [${acked.join(',')}]`)
    }),
  )
  // batches: [1,1] from ids 0,2; [1,1] from ids 3,5 (wait: id 3 and 5), [2,2] from ids 1,4
  assert.deepEqual(log, ['11 acked []', '22 acked [0,2]', '11 acked [0,2,1,4]'])
  assert.deepEqual(
    [...acked].sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5],
  )
})

test('acks: slidingWindow with returnPartial false holds the first elements until the first window is done', async () => {
  const { src, acked } = records(range(4))
  const log: string[] = []
  await pipe(
    src,
    map((r: Rec) => r.v),
    slidingWindow(3, { returnPartial: false }),
    sink((w: number[]) => {
      log.push(`${w.join('')}:${acked.join('')}`)
    }),
  )
  assert.deepEqual(log, ['012:', '123:012'])
  assert.deepEqual(acked, [0, 1, 2, 3])
})

test('acks: unique drops repeats, which are acked at once', async () => {
  const { src, acked } = records([5, 5, 6])
  const out = await pipe(
    src,
    map((r: Rec) => r.v),
    unique(),
    toArray(),
  )
  assert.deepEqual(out, [5, 6])
  assert.deepEqual(acked, [0, 1, 2])
})

test('acks: for await acks an element when the loop asks for the next one', async () => {
  const { src, acked } = records(range(3))
  const log: string[] = []
  for await (const x of pipe(
    src,
    map((r: Rec) => r.v),
  )) {
    log.push(`${String(x)}:${acked.join('')}`)
  }
  assert.deepEqual(log, ['0:', '1:0', '2:01'])
  assert.deepEqual(acked, [0, 1, 2])
})

test('acks: for await over objects: each result carries its ack, which the loop calls itself', async () => {
  const { src, acked } = records(range(5))
  const kept: object[] = []
  for await (const y of pipe(
    src,
    map((r: Rec) => ({ double: r.v * 2 })),
  )) {
    assert.equal(typeof ackOf(y), 'function')
    if (y.double < 4) ackOf(y)?.()
    else kept.push(y) // kept for later: not acknowledged by the next pull
    if (y.double === 6) break
  }
  assert.deepEqual(acked, [0, 1])
  for (const y of kept) ackOf(y)?.()
  assert.deepEqual(acked, [0, 1, 2, 3])
})

test('acks: a record read as it came keeps its own ack', async () => {
  const { src, acked } = records(range(2))
  for await (const r of src) {
    assert.equal(acked.length, r.id, 'nothing is acknowledged for the loop')
    ackOf(r)?.()
  }
  assert.deepEqual(acked, [0, 1])
})

test('acks: flatten acks a parent once its last child is done', async () => {
  const { src, acked } = records([2, 0, 3])
  const log: string[] = []
  await pipe(
    src,
    map((r: Rec) => Array.from({ length: r.v }, (_, i) => ({ parent: r.id, i }))),
    flatten(),
    map((c: { parent: number; i: number }) => `${String(c.parent)}.${String(c.i)}`),
    sink(async (s: string) => {
      log.push(`${s}:${acked.join('')}`)
      await tick()
    }),
  )
  assert.deepEqual(log, ['0.0:', '0.1:', '2.0:01', '2.1:01', '2.2:01'])
  assert.deepEqual(acked, [0, 1, 2])
})

test('acks: timedWindow acks every element of a window once the window is done', async () => {
  const clock = new FakeClock()
  const { src, acked } = records(range(3))
  const windows: number[][] = []
  const done = pipe(
    src,
    timedWindow(100, { clock }),
    sink((w: Rec[]) => {
      windows.push(w.map((r) => r.id))
      assert.deepEqual(acked, [], 'nothing is acked before its window is done')
    }),
  )
  await tick()
  await clock.advance(100)
  await done
  assert.deepEqual(windows, [[0, 1, 2]])
  assert.deepEqual(acked, [0, 1, 2])
})

test('acks: carryAcks marks a source once; a plain source carries nothing and is left as it is', async () => {
  const { src } = records([1])
  assert.equal(carryAcks(src), src)
  assert.equal(carriesAcks(src), true)
  assert.equal(
    carriesAcks(
      pipe(
        src,
        map((r: Rec) => r.v),
      ),
    ),
    true,
  )
  const plain = [1, 2, 3]
  assert.equal(
    carriesAcks(
      pipe(
        plain,
        map((x: number) => x),
      ),
    ),
    false,
  )
  assert.deepEqual(await pipe(plain, partition(2), toArray()), [[1, 2], [3]])
})

test('acks: holdAck takes an ack over from a for await loop; withAck calls it once', async () => {
  const { src, acked } = records(range(2))
  const kept: (() => void)[] = []
  for await (const r of src) {
    const a = holdAck(r)
    if (a !== undefined) kept.push(a)
  }
  assert.deepEqual(acked, [], 'held acks are left to the holder')
  for (const a of kept) {
    a()
    a()
  }
  assert.deepEqual(acked, [0, 1])
})

test('acks: a sink that keeps elements past its push holds their acks, numbers included', async () => {
  const { src, acked } = records(range(5))
  const { drive } = await import('../../src/pipe/flow.js')
  const kept: (() => void)[] = []
  const log: string[] = []
  await drive(
    pipe(
      src,
      map((r: Rec) => r.v),
    ),
    {
      push(x: number) {
        const a = holdAck(x)
        if (a !== undefined) kept.push(a)
        if (kept.length === 2) {
          log.push(`write 2, acked [${acked.join(',')}]`)
          for (const k of kept.splice(0)) k()
        }
      },
      end() {
        log.push(`end, acked [${acked.join(',')}]`)
        for (const k of kept.splice(0)) k()
      },
    },
  )
  assert.deepEqual(log, ['write 2, acked []', 'write 2, acked [0,1]', 'end, acked [0,1,2,3]'])
  assert.deepEqual(acked, [0, 1, 2, 3, 4])
})
