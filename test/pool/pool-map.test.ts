import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipe } from '../../src/pipe/pipe.js'
import { map } from '../../src/operators/map.js'
import { toArray } from '../../src/operators/to-array.js'
import { poolMap } from '../../src/pool/index.js'
import { forever, tracked } from '../helpers.js'
import { assertNoLiveThreads, gates, tasks, threadStats, waitFor } from './helpers.js'

const workers = 2
type Job = { gates: SharedArrayBuffer; i: number }

test('poolMap: values in order through a TS task; the threads end with the stage', async () => {
  const out = await pipe([1, 2, 3, 4, 5, 6, 7], poolMap<number, number>(tasks.inc, { workers }), toArray())
  assert.deepEqual(out, [2, 3, 4, 5, 6, 7, 8])
  assertNoLiveThreads()
})

test('poolMap: a named export of a JS (.mjs) module, given as a path string', async () => {
  const square = { module: tasks.math.pathname, name: 'square' }
  assert.deepEqual(await pipe([1, 2, 3], poolMap<number, number>(square, { workers }), toArray()), [1, 4, 9])
  const negate = poolMap<number, number>(tasks.math, { workers: 1 })
  assert.deepEqual(await pipe([4], negate, toArray()), [-4])
  assertNoLiveThreads()
})

test('poolMap: execArgv [] runs TS and JS tasks without tsx in the workers', async () => {
  // the workers get no --import tsx: inc.ts runs through Node's own type stripping
  const ts = poolMap<number, number>(tasks.inc, { workers, execArgv: [] })
  assert.deepEqual(await pipe([1, 2], ts, toArray()), [2, 3])
  const js = poolMap<number, number>({ module: tasks.math, name: 'square' }, { workers, execArgv: [] })
  assert.deepEqual(await pipe([3], js, toArray()), [9])
  const argvOf = (execArgv?: string[]) =>
    pipe(
      [0],
      poolMap<number, string[]>({ module: tasks.inc, name: 'workerExecArgv' }, { workers: 1, execArgv }),
      toArray(),
    )
  assert.deepEqual(await argvOf([]), [[]])
  assert.deepEqual(await argvOf(['--no-warnings']), [['--no-warnings']])
  assert.deepEqual(await argvOf(), [process.execArgv]) // inherited by default
  assert.throws(() => poolMap(tasks.inc, { execArgv: '--inspect' as unknown as string[] }), {
    name: 'TypeError',
    message: /poolMap: execArgv must be an array of strings, got "--inspect"/,
  })
  assertNoLiveThreads()
})

test('poolMap: an async export', async () => {
  const double = poolMap<number, number>({ module: tasks.inc, name: 'double' }, { workers })
  assert.deepEqual(await pipe([1, 2, 3], double, toArray()), [2, 4, 6])
})

test('poolMap: empty source ends, with its threads', async () => {
  const before = threadStats.started
  assert.deepEqual(await pipe([], poolMap(tasks.inc, { workers }), toArray()), [])
  assert.ok(threadStats.started >= before)
  assertNoLiveThreads()
})

test('poolMap: lazy: no thread and no pull before the first next()', async () => {
  const before = threadStats.started
  const src = tracked([1, 2, 3])
  const out = pipe(src, poolMap<number, number>(tasks.inc, { workers }))
  const it = out[Symbol.asyncIterator]()
  await new Promise((r) => setTimeout(r, 10))
  assert.equal(threadStats.started, before, 'a thread started before next()')
  assert.equal(src.state.pulled, 0)
  assert.deepEqual(await it.next(), { done: false, value: 2 })
  assert.equal(threadStats.started, before + workers)
  await it.return?.()
  assertNoLiveThreads()
})

test('poolMap: ordered: false emits results as they finish', async () => {
  const g = gates(3)
  const jobs: Job[] = [0, 1, 2].map((i) => ({ gates: g.sab, i }))
  const it = pipe(jobs, poolMap<Job, number>(tasks.gated, { workers, ordered: false }))[Symbol.asyncIterator]()
  const first = it.next()
  g.open(1)
  assert.deepEqual(await first, { done: false, value: 10 })
  g.open(2)
  assert.deepEqual(await it.next(), { done: false, value: 20 })
  g.open(0)
  assert.deepEqual(await it.next(), { done: false, value: 0 })
  assert.deepEqual(await it.next(), { done: true, value: undefined })
  assertNoLiveThreads()
})

test('poolMap: ordered (default) holds a finished result until the ones before it are emitted', async () => {
  const g = gates(3)
  const jobs: Job[] = [0, 1, 2].map((i) => ({ gates: g.sab, i }))
  const it = pipe(jobs, poolMap<Job, number>(tasks.gated, { workers }))[Symbol.asyncIterator]()
  const first = it.next()
  g.open(1)
  g.open(2)
  let settled = false
  void first.then(() => (settled = true))
  await new Promise((r) => setTimeout(r, 20))
  assert.equal(settled, false, 'emitted before element 0 finished')
  g.open(0)
  assert.deepEqual(await first, { done: false, value: 0 })
  assert.deepEqual(await it.next(), { done: false, value: 10 })
  assert.deepEqual(await it.next(), { done: false, value: 20 })
  assert.deepEqual(await it.next(), { done: true, value: undefined })
})

test('poolMap: maxInFlight: a slow consumer holds the source back', async () => {
  const src = tracked(Array.from({ length: 50 }, (_, i) => i))
  const it = pipe(src, poolMap<number, number>(tasks.inc, { workers, maxInFlight: 3 }))[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { done: false, value: 1 })
  // the stage fills up to 3 taken-and-not-emitted, then stops: 1 emitted + 3 = 4 pulls
  await waitFor(() => src.state.pulled === 4, 'the stage to fill up')
  await new Promise((r) => setTimeout(r, 30))
  assert.equal(src.state.pulled, 4, 'pulled more than maxInFlight ahead of the consumer')
  assert.deepEqual(await it.next(), { done: false, value: 2 })
  await waitFor(() => src.state.pulled === 5, 'one more pull')
  await new Promise((r) => setTimeout(r, 20))
  assert.equal(src.state.pulled, 5)
  // the whole run never has more than maxInFlight taken and not yet emitted
  let emitted = 2
  for (;;) {
    const r = await it.next()
    if (r.done === true) break
    emitted++
    const pulled = Number(src.state.pulled)
    assert.ok(pulled - emitted <= 3, `${pulled} pulled, ${emitted} emitted`)
  }
  assert.equal(emitted, 50)
  assertNoLiveThreads()
})

test('poolMap: the default maxInFlight is twice the workers times the batch size', async () => {
  for (const batch of [1, 3]) {
    const src = tracked(Array.from({ length: 40 }, (_, i) => i))
    const it = pipe(src, poolMap<number, number>(tasks.inc, { workers, batch }))[Symbol.asyncIterator]()
    await it.next()
    const limit = 2 * workers * batch
    await waitFor(() => src.state.pulled === 1 + limit, 'the stage to fill up')
    await new Promise((r) => setTimeout(r, 20))
    assert.equal(src.state.pulled, 1 + limit, `batch ${batch}`)
    await it.return?.()
    assert.equal(src.state.closed, true)
  }
  assertNoLiveThreads()
})

test('poolMap: a source error reaches the consumer after the earlier results', async () => {
  const src = tracked([1, 2, 3, 4], { failAt: 3 })
  const seen: number[] = []
  await assert.rejects(
    pipe(
      src,
      poolMap<number, number>(tasks.inc, { workers }),
      map((x: number) => seen.push(x)),
      toArray(),
    ),
    /source failed/,
  )
  assert.deepEqual(seen, [2, 3, 4])
  assertNoLiveThreads()
})

test('poolMap: a task exception reaches the consumer with the worker stack, after the results before it', async () => {
  const src = tracked(Array.from({ length: 100 }, (_, i) => i))
  const seen: number[] = []
  const err = await pipe(
    src,
    poolMap<number, number>({ module: tasks.inc, name: 'failOn3' }, { workers, maxInFlight: 4 }),
    map((x: number) => seen.push(x)),
    toArray(),
  ).then(
    () => assert.fail('no error'),
    (e: unknown) => e as Error,
  )
  assert.equal(err.message, 'task failed on 3')
  assert.match(err.stack ?? '', /at failOn3 \(.*test\/pool\/tasks\/inc\.ts:\d+:\d+\)/)
  assert.deepEqual(seen, [0, 10, 20])
  assert.ok(src.state.pulled <= 3 + 4 + 1, `pulled ${src.state.pulled} after the failure`)
  assert.equal(src.state.closed, true)
  assertNoLiveThreads()
})

test('poolMap: a worker that exits fails its task clearly; the others are not lost', async () => {
  const stage = poolMap<number, number>({ module: tasks.death, name: 'exitOn2' }, { workers })
  const seen: number[] = []
  const err = await pipe(
    [0, 1, 2, 3],
    stage,
    map((x: number) => seen.push(x)),
    toArray(),
  ).then(
    () => assert.fail('no error'),
    (e: unknown) => e as Error,
  )
  assert.match(
    err.message,
    /^poolMap: task .*death\.ts#exitOn2 failed: its worker thread died \(worker exited with code: 3\)$/,
  )
  assert.ok(err.cause instanceof Error)
  assert.deepEqual(seen, [0, 1])
  assertNoLiveThreads()
})

test('poolMap: retry: 1 runs the task of a dead worker once more, on its replacement', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamz-pool-'))
  try {
    writeFileSync(join(dir, 'exists'), '')
    // only the job for 2 finds no marker: its worker exits once, then the retry succeeds
    const jobs = [1, 2, 3].map((x) => ({ marker: join(dir, x === 2 ? 'once' : 'exists'), x }))
    const out = await pipe(
      jobs,
      poolMap<(typeof jobs)[number], number>({ module: tasks.death, name: 'exitOnce' }, { workers, retry: 1 }),
      toArray(),
    )
    assert.deepEqual(out, [1, 2, 3])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  // a task that kills every worker fails after its one retry
  const err = await pipe(
    [1],
    poolMap({ module: tasks.death, name: 'alwaysExit' }, { workers, retry: 1 }),
    toArray(),
  ).then(
    () => assert.fail('no error'),
    (e: unknown) => e as Error,
  )
  assert.match(err.message, /its worker thread died \(worker exited with code: 5\), again after one retry$/)
  assertNoLiveThreads()
})

test('poolMap: a worker out of memory (resourceLimits) fails its task clearly', async () => {
  const stage = poolMap<number, number>(
    { module: tasks.death, name: 'oomOn2' },
    { workers: 1, resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } },
  )
  const seen: number[] = []
  const err = await pipe(
    [0, 1, 2, 3],
    stage,
    map((x: number) => seen.push(x)),
    toArray(),
  ).then(
    () => assert.fail('no error'),
    (e: unknown) => e as Error,
  )
  // item 2 may share a message with item 3 (auto batching): the message names its size then
  assert.match(
    err.message,
    /oomOn2 failed: its worker thread died( while running a batch of 2 elements)? \(.*memory limit.*\)/,
  )
  assert.equal((err.cause as { code?: string }).code, 'ERR_WORKER_OUT_OF_MEMORY')
  assert.deepEqual(seen, [0, 1])
  assertNoLiveThreads()
})

test('poolMap: break closes the source, cancels the tasks and ends the threads', async () => {
  const g = gates(20)
  const src = tracked(Array.from({ length: 20 }, (_, i): Job => ({ gates: g.sab, i })))
  g.open(0)
  for await (const x of pipe(src, poolMap<Job, number>(tasks.gated, { workers }))) {
    assert.equal(x, 0)
    break // tasks 1.. are running or queued and never finish on their own
  }
  assert.equal(src.state.closed, true)
  assert.ok(src.state.pulled <= 1 + 2 * workers)
  assertNoLiveThreads()
})

test('poolMap: return() while a next() is pending acts at once', async () => {
  const src = forever<number>()
  const it = pipe(src, poolMap<number, number>(tasks.inc, { workers }))[Symbol.asyncIterator]()
  const pending = it.next()
  await waitFor(() => src.state.pulled === 1, 'the first pull')
  assert.deepEqual(await it.return?.(), { done: true, value: undefined })
  assert.deepEqual(await pending, { done: true, value: undefined })
  assert.equal(src.state.closed, true)
  assert.deepEqual(await it.next(), { done: true, value: undefined })
  assertNoLiveThreads()
})

test('poolMap: return() while tasks run ends their threads', async () => {
  const g = gates(4)
  const jobs: Job[] = [0, 1, 2, 3].map((i) => ({ gates: g.sab, i }))
  const it = pipe(jobs, poolMap<Job, number>(tasks.gated, { workers }))[Symbol.asyncIterator]()
  const pending = it.next()
  await waitFor(() => threadStats.started > threadStats.exited, 'a thread')
  const t0 = Date.now()
  await it.return?.()
  assert.ok(Date.now() - t0 < 2000)
  assert.deepEqual(await pending, { done: true, value: undefined })
  assertNoLiveThreads()
})

test('poolMap: an AbortSignal rejects the pending next() with its reason and ends the threads', async () => {
  const ac = new AbortController()
  const g = gates(4)
  const src = tracked([0, 1, 2, 3].map((i): Job => ({ gates: g.sab, i })))
  const it = pipe(src, poolMap<Job, number>(tasks.gated, { workers, signal: ac.signal }))[Symbol.asyncIterator]()
  const pending = it.next()
  await waitFor(() => src.state.pulled >= 2, 'tasks to be sent')
  const reason = new Error('stop now')
  ac.abort(reason)
  await assert.rejects(pending, (e) => e === reason)
  await assert.rejects(it.next(), (e) => e === reason)
  assert.equal(src.state.closed, true)
  assertNoLiveThreads()
})

test('poolMap: an already aborted signal starts nothing', async () => {
  const before = threadStats.started
  const src = tracked([1])
  const reason = new Error('aborted before')
  const stage = poolMap(tasks.inc, { workers, signal: AbortSignal.abort(reason) })
  await assert.rejects(pipe(src, stage, toArray()), (e) => e === reason)
  assert.equal(threadStats.started, before)
  assert.equal(src.state.pulled, 0)
})

test('poolMap: an error downstream closes the source and ends the threads', async () => {
  const src = tracked(Array.from({ length: 1000 }, (_, i) => i))
  const boom = new Error('downstream')
  await assert.rejects(
    pipe(
      src,
      poolMap<number, number>(tasks.inc, { workers }),
      map((x: number) => {
        if (x === 3) throw boom
        return x
      }),
      toArray(),
    ),
    (e) => e === boom,
  )
  assert.equal(src.state.closed, true)
  assert.ok(src.state.pulled < 1000)
  assertNoLiveThreads()
})

test('poolMap: transfer: true moves typed arrays to the worker (the sender is detached)', async () => {
  const inputs = [new Float64Array([1, 2]), new Float64Array([3, 4, 5])]
  const it = pipe(inputs, poolMap<Float64Array, Float64Array>(tasks.bytes, { workers, transfer: true }))[
    Symbol.asyncIterator
  ]()
  const first = await it.next()
  assert.deepEqual(first, { done: false, value: new Float64Array([2, 4]) })
  assert.equal(inputs[0]!.byteLength, 0, 'the buffer was copied, not moved')
  assert.equal(inputs[0]!.buffer.byteLength, 0)
  assert.deepEqual((await it.next()).value, new Float64Array([6, 8, 10]))
  assert.equal(inputs[1]!.byteLength, 0)
  assert.deepEqual(await it.next(), { done: true, value: undefined })
})

test('poolMap: without transfer the input is copied; a transfer function picks the buffers', async () => {
  const kept = new Float64Array([1, 2])
  assert.deepEqual(await pipe([kept], poolMap(tasks.bytes, { workers: 1 }), toArray()), [new Float64Array([2, 4])])
  assert.equal(kept.byteLength, 16)
  assert.deepEqual([...kept], [1, 2])
  const batch = [new Uint8Array([1, 2]), new Uint8Array([3])]
  const stage = poolMap<Uint8Array[], number>(
    { module: tasks.bytes, name: 'sumBatch' },
    { workers: 1, transfer: (b) => b.map((x) => x.buffer) },
  )
  assert.deepEqual(await pipe([batch], stage, toArray()), [6])
  assert.deepEqual(
    batch.map((b) => b.byteLength),
    [0, 0],
  )
  assertNoLiveThreads()
})

test('poolMap: a task module that fails to load, is missing, or lacks the export fails clearly', async () => {
  const cases: [unknown, RegExp][] = [
    [
      tasks.badLoad,
      /Error: pool task .*bad-load\.ts#default: the module failed to load \(Error: this module refuses to load\)$/,
    ],
    [
      new URL('./tasks/missing.ts', import.meta.url),
      /Error: pool task .*missing\.ts#default: the module failed to load \(Error: Cannot find module/,
    ],
    [
      { module: tasks.inc, name: 'nope' },
      /inc\.ts#nope: the module has no function export "nope" \(function exports: default, double, failOn3, workerExecArgv\)/,
    ],
    [{ module: tasks.inc, name: 'notAFunction' }, /has no function export "notAFunction"/],
  ]
  for (const [task, re] of cases) {
    await assert.rejects(pipe([1, 2], poolMap(task as URL, { workers: 1 }), toArray()), re)
  }
  assertNoLiveThreads()
})

test('poolMap: bad arguments throw at construction, naming the argument and value', () => {
  assert.throws(() => poolMap(tasks.inc, { workers: 0 }), {
    name: 'RangeError',
    message: 'poolMap: workers must be a positive integer, got 0',
  })
  assert.throws(() => poolMap(tasks.inc, { maxInFlight: 'x' as unknown as number }), {
    name: 'TypeError',
    message: 'poolMap: maxInFlight must be a number, got "x"',
  })
  assert.throws(() => poolMap(tasks.inc, { maxInFlight: 0 }), /maxInFlight must be a positive integer, got 0/)
  assert.throws(() => poolMap(42 as unknown as URL), {
    name: 'TypeError',
    message: 'poolMap: task must be a module path, a file URL or { module, name }, got 42',
  })
  assert.throws(
    () => poolMap({ module: tasks.inc, name: 3 } as unknown as URL),
    /poolMap: task.name must be a non-empty string, got 3/,
  )
  assert.throws(() => poolMap(new URL('https://example.com/t.js')), /poolMap: task must be a file: URL/)
  assert.throws(() => poolMap(tasks.inc, { retry: 2 as 1 }), {
    name: 'RangeError',
    message: 'poolMap: retry must be 0 or 1, got 2',
  })
  assert.throws(() => poolMap(tasks.inc, { ordered: 'no' as unknown as boolean }), /poolMap: ordered must be a boolean/)
  assert.throws(
    () => poolMap(tasks.inc, { transfer: 1 as unknown as boolean }),
    /poolMap: transfer must be a boolean or a function, got 1/,
  )
  assert.throws(
    () => poolMap(tasks.inc, { signal: 'x' as unknown as AbortSignal }),
    /poolMap: signal must be an AbortSignal/,
  )
  assert.throws(() => poolMap(tasks.inc, { idleTimeout: 'soon' }), /poolMap: idleTimeout must be a duration/)
  assert.throws(
    () => poolMap(tasks.inc, null as unknown as object),
    /poolMap: options must be an options object, got null/,
  )
})

test('poolMap: no thread is left alive after the tests above', () => {
  assertNoLiveThreads()
})
