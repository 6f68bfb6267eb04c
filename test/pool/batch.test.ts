import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipe } from '../../src/pipe/pipe.js'
import { map } from '../../src/operators/map.js'
import { toArray } from '../../src/operators/to-array.js'
import { createPool, poolMap } from '../../src/pool/index.js'
import { tracked } from '../helpers.js'
import { assertNoLiveThreads, gates, tasks, waitFor } from './helpers.js'

const workers = 2
type Job = { gates: SharedArrayBuffer; i: number }
const position = { module: tasks.batch, name: 'position' }
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i)

/** Run the `position` task over 0..n-1: the results in order, and the position of each in its message. */
async function positions(n: number, options: Parameters<typeof poolMap>[1]): Promise<number[]> {
  const out = await pipe(range(n), poolMap<number, [number, number]>(position, options), toArray())
  assert.deepEqual(
    out.map(([x]) => x),
    range(n),
    'results out of order',
  )
  return out.map(([, p]) => p)
}

/** Await `p`, which must reject; return the error. */
const failure = (p: Promise<unknown>): Promise<Error> =>
  p.then(
    () => assert.fail('no error'),
    (e: unknown) => e as Error,
  )

test('batch: a fixed size sends that many elements per message; results stay in order', async () => {
  assert.deepEqual(await positions(10, { workers, batch: 4 }), [0, 1, 2, 3, 0, 1, 2, 3, 0, 1])
  assert.deepEqual(await positions(5, { workers, batch: 1 }), [0, 0, 0, 0, 0])
  // async tasks: each element is awaited before the next one starts
  const double = poolMap<number, number>({ module: tasks.inc, name: 'double' }, { workers, batch: 3 })
  assert.deepEqual(await pipe(range(8), double, toArray()), [0, 2, 4, 6, 8, 10, 12, 14])
  assertNoLiveThreads()
})

test('batch: ordered holds results back until the ones before them are out; in a message elements run in order', async () => {
  const g = gates(4)
  const jobs: Job[] = [0, 1, 2, 3].map((i) => ({ gates: g.sab, i }))
  // messages [0, 1] and [2, 3], one on each worker
  const it = pipe(jobs, poolMap<Job, number>(tasks.gated, { workers, batch: 2 }))[Symbol.asyncIterator]()
  const first = it.next()
  let settled = false
  void first.then(() => (settled = true))
  g.open(2)
  g.open(3)
  g.open(1) // 1 waits for 0, which comes before it in its message
  await new Promise((r) => setTimeout(r, 30))
  assert.equal(settled, false, 'emitted before element 0 finished')
  g.open(0)
  assert.deepEqual(await first, { done: false, value: 0 })
  assert.deepEqual(await pipe({ [Symbol.asyncIterator]: () => it }, toArray()), [10, 20, 30])
  assertNoLiveThreads()
})

test('batch: ordered: false emits the results of a message as soon as it is back', async () => {
  const g = gates(4)
  const jobs: Job[] = [0, 1, 2, 3].map((i) => ({ gates: g.sab, i }))
  const stage = poolMap<Job, number>(tasks.gated, { workers, batch: 2, ordered: false })
  const it = pipe(jobs, stage)[Symbol.asyncIterator]()
  const first = it.next()
  g.open(3)
  g.open(2)
  assert.deepEqual(await first, { done: false, value: 20 })
  assert.deepEqual(await it.next(), { done: false, value: 30 })
  g.open(1)
  let settled = false
  const third = it.next()
  void third.then(() => (settled = true))
  await new Promise((r) => setTimeout(r, 30))
  assert.equal(settled, false, '1 ran before 0, which comes first in its message')
  g.open(0)
  assert.deepEqual(await third, { done: false, value: 0 })
  assert.deepEqual(await it.next(), { done: false, value: 10 })
  assert.deepEqual(await it.next(), { done: true, value: undefined })
  assertNoLiveThreads()
})

test('batch: an error in the middle of a message: the elements before it are emitted, the ones after it never run', async () => {
  for (const ordered of [true, false]) {
    const ran = new Int32Array(new SharedArrayBuffer(4 * 100))
    const src = tracked(range(100).map((i) => ({ i, ran })))
    const seen: number[] = []
    const err = await failure(
      pipe(
        src,
        poolMap<{ i: number }, number>({ module: tasks.batch, name: 'failOn5' }, { workers, batch: 4, ordered }),
        map((x: number) => seen.push(x)),
        toArray(),
      ),
    )
    assert.equal(err.message, 'task failed on 5')
    assert.match(err.stack ?? '', /at failOn5 \(.*test\/pool\/tasks\/batch\.ts:\d+:\d+\)/)
    // message [4, 5, 6, 7]: 4 is emitted just before the error, 6 and 7 never ran
    assert.equal(ran[4], 1)
    assert.equal(ran[6], 0, 'an element after the failed one ran')
    assert.equal(ran[7], 0, 'an element after the failed one ran')
    if (ordered) {
      assert.deepEqual(seen, [0, 10, 20, 30, 40])
      // the stage stopped pulling: at most its window (2 × workers × 4) and one message more
      assert.ok(src.state.pulled <= 16 + 4 + 1, `pulled ${src.state.pulled}`)
    } else assert.equal(seen.at(-1), 40) // the other worker may have run the rest meanwhile
    assert.equal(src.state.closed, true)
  }
  assertNoLiveThreads()
})

test('batch: a worker that dies fails every element of its message; retry: 1 runs each once more on its own', async () => {
  const exitOn2 = { module: tasks.death, name: 'exitOn2' }
  const seen: number[] = []
  const err = await failure(
    pipe(
      range(8),
      poolMap<number, number>(exitOn2, { workers, batch: 4 }),
      map((x: number) => seen.push(x)),
      toArray(),
    ),
  )
  assert.match(
    err.message,
    /^poolMap: task .*death\.ts#exitOn2 failed: its worker thread died while running a batch of 4 elements \(worker exited with code: 3\)$/,
  )
  assert.deepEqual(seen, [], 'a result of the lost message was emitted')
  // with retry: 1, 0, 1 and 3 succeed alone; 2 kills its worker again and fails
  const seenAgain: number[] = []
  const again = await failure(
    pipe(
      range(8),
      poolMap<number, number>(exitOn2, { workers, batch: 4, retry: 1 }),
      map((x: number) => seenAgain.push(x)),
      toArray(),
    ),
  )
  assert.match(
    again.message,
    /exitOn2 failed: its worker thread died \(worker exited with code: 3\), again after one retry$/,
  )
  assert.deepEqual(seenAgain, [0, 1])
  // an element that kills its worker once: the message's elements all succeed on their retry
  const dir = mkdtempSync(join(tmpdir(), 'streamz-pool-batch-'))
  try {
    writeFileSync(join(dir, 'exists'), '')
    const jobs = range(8).map((x) => ({ marker: join(dir, x === 2 ? 'once' : 'exists'), x }))
    const stage = poolMap<(typeof jobs)[number], number>(
      { module: tasks.death, name: 'exitOnce' },
      { workers, batch: 4, retry: 1 },
    )
    assert.deepEqual(await pipe(jobs, stage, toArray()), range(8))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  assertNoLiveThreads()
})

test('batch: an element that cannot be copied fails alone, after the results before it', async () => {
  const seen: number[] = []
  const items: unknown[] = [1, 2, () => 3, 4]
  const err = await failure(
    pipe(
      items,
      poolMap<unknown, number>(tasks.inc, { workers, batch: 4 }),
      map((x: number) => seen.push(x)),
      toArray(),
    ),
  )
  assert.equal(err.name, 'DataCloneError')
  assert.deepEqual(seen, [2, 3])
  assertNoLiveThreads()
})

test('batch: maxInFlight counts elements, and a slow consumer holds the source back', async () => {
  const src = tracked(range(60))
  const stage = poolMap<number, number>(tasks.inc, { workers, batch: 4, maxInFlight: 6 })
  const it = pipe(src, stage)[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { done: false, value: 1 })
  // messages [0..3] and [4, 5]; after 0 is emitted, 6 goes alone: 1 emitted + 6 taken
  await waitFor(() => src.state.pulled === 7, 'the stage to fill up')
  await new Promise((r) => setTimeout(r, 30))
  assert.equal(src.state.pulled, 7, 'pulled more than maxInFlight ahead of the consumer')
  let emitted = 1
  for (;;) {
    await new Promise((r) => setImmediate(r)) // a slow consumer
    const r = await it.next()
    if (r.done === true) break
    assert.equal(r.value, emitted + 1)
    emitted++
    assert.ok(src.state.pulled - emitted <= 6 + 1, `${src.state.pulled} pulled, ${emitted} emitted`) // +1: the end
  }
  assert.equal(emitted, 60)
  assertNoLiveThreads()
})

test('batch: a message does not wait for elements the source does not have yet', { timeout: 10_000 }, async () => {
  // the source yields element i only once the consumer has the result of i - 1: a stage that
  // held elements back to fill a batch would never finish
  let got = -1
  let wake: (() => void) | undefined
  async function* source() {
    for (let i = 0; i < 6; i++) {
      if (got < i - 1) await new Promise<void>((r) => (wake = r))
      yield i
    }
  }
  const out: [number, number][] = []
  for await (const r of pipe(source(), poolMap<number, [number, number]>(position, { workers, batch: 8 }))) {
    out.push(r)
    got = r[0]
    wake?.()
  }
  assert.deepEqual(out, [
    [0, 0],
    [1, 0],
    [2, 0],
    [3, 0],
    [4, 0],
    [5, 0],
  ])
  assertNoLiveThreads()
})

test("batch: 'auto' (the default) starts with one element per message and grows for a cheap task", async () => {
  const ps = await positions(3000, { workers })
  // before the first reply the stage knows nothing: 2 × workers messages of one element
  assert.deepEqual(ps.slice(0, 2 * workers), [0, 0, 0, 0])
  const largest = Math.max(...ps) + 1
  assert.ok(largest >= 32, `the largest message had ${largest} elements`)
  assert.ok(largest <= 64, `the largest message had ${largest} elements, above the cap of 64`)
  // an explicit maxInFlight caps an auto batch at maxInFlight / (2 × workers)
  const capped = await positions(600, { workers, maxInFlight: 8 })
  assert.equal(Math.max(...capped), 1)
  assertNoLiveThreads()
})

test("batch: 'auto' shrinks messages again when elements take longer", async () => {
  // 300 cheap elements, then 100 of 11 ms (more than the 10 ms a message aims at). maxInFlight 64
  // caps the batch at 16; the messages sent before the workers report the first slow elements
  // keep their size, the ones after carry one element each
  const jobs = range(400).map((i) => ({ i, ms: i < 300 ? 0 : 11 }))
  const stage = poolMap<(typeof jobs)[number], [number, number]>(
    { module: tasks.batch, name: 'busy' },
    { workers, maxInFlight: 64 },
  )
  const out = await pipe(jobs, stage, toArray())
  assert.deepEqual(
    out.map(([i]) => i),
    range(400),
  )
  const ps = out.map(([, p]) => p)
  assert.ok(Math.max(...ps.slice(0, 300)) >= 8, 'the cheap elements were not batched')
  assert.ok(Math.max(...ps) <= 15, 'a batch above maxInFlight / (2 × workers)')
  assert.deepEqual(ps.slice(-20), new Array<number>(20).fill(0), `positions of the last 20: ${ps.slice(-20).join(' ')}`)
  assertNoLiveThreads()
})

test('batch: transfer moves the buffers of every element of a message, once each', async () => {
  const inputs = [new Float64Array([1, 2]), new Float64Array([3]), new Float64Array([4, 5, 6])]
  const stage = poolMap<Float64Array, Float64Array>(tasks.bytes, { workers, batch: 3, transfer: true })
  const out = await pipe(inputs, stage, toArray())
  assert.deepEqual(out, [new Float64Array([2, 4]), new Float64Array([6]), new Float64Array([8, 10, 12])])
  assert.deepEqual(
    inputs.map((x) => x.byteLength),
    [0, 0, 0],
  )
  // two elements on one buffer: the message lists it once, and the results come back on one buffer
  const buf = new ArrayBuffer(32)
  const halves = [new Float64Array(buf, 0, 2), new Float64Array(buf, 16, 2)]
  halves[0]?.set([1, 2])
  halves[1]?.set([3, 4])
  const [a, b] = await pipe(
    halves,
    poolMap<Float64Array, Float64Array>(tasks.bytes, { workers: 1, batch: 2, transfer: true }),
    toArray(),
  )
  assert.deepEqual([...(a ?? []), ...(b ?? [])], [2, 4, 6, 8])
  assert.equal(a?.buffer, b?.buffer)
  assert.equal(buf.byteLength, 0)
  assertNoLiveThreads()
})

test('batch: pool.map batches on a shared pool', async () => {
  await using pool = createPool({ workers })
  const out = await pipe(range(9), pool.map<number, [number, number]>(position, { batch: 3 }), toArray())
  assert.deepEqual(
    out.map(([, p]) => p),
    [0, 1, 2, 0, 1, 2, 0, 1, 2],
  )
  assert.deepEqual(
    await pipe(range(500), pool.map<number, number>(tasks.inc), toArray()),
    range(500).map((x) => x + 1),
  )
})

test('batch: bad values throw at construction, naming the argument and value', () => {
  assert.throws(() => poolMap(tasks.inc, { batch: 0 }), {
    name: 'RangeError',
    message: 'poolMap: batch must be a positive integer, got 0',
  })
  assert.throws(() => poolMap(tasks.inc, { batch: 2.5 }), /poolMap: batch must be a positive integer, got 2.5/)
  assert.throws(() => poolMap(tasks.inc, { batch: 'big' as 'auto' }), {
    name: 'TypeError',
    message: `poolMap: batch must be a positive integer or 'auto', got "big"`,
  })
  const pool = createPool({ workers: 1 })
  assert.throws(() => pool.map(tasks.inc, { batch: -1 }), /pool.map: batch must be a positive integer, got -1/)
})

test('batch: no thread is left alive after the tests above', () => {
  assertNoLiveThreads()
})
