import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { pipe } from '../../src/pipe/pipe.js'
import { toArray } from '../../src/operators/to-array.js'
import { zip } from '../../src/operators/zip.js'
import { createPool, type Pool } from '../../src/pool/index.js'
import { tracked } from '../helpers.js'
import { assertNoLiveThreads, gates, tasks, threadStats, waitFor } from './helpers.js'

const workers = 2
type Job = { gates: SharedArrayBuffer; i: number }
const square = { module: tasks.math, name: 'square' }

test('createPool: lazy; run() and map() share the threads; close() ends them all', async () => {
  const before = threadStats.started
  const pool = createPool({ workers })
  assert.equal(pool.workers, 2)
  assert.equal(pool.threads, 0)
  assert.equal(threadStats.started, before, 'a thread started before the first task')
  assert.equal(await pool.run(square, 7), 49)
  assert.equal(pool.threads, 2)
  assert.deepEqual(await pipe([1, 2, 3], pool.map<number, number>(tasks.inc), toArray()), [2, 3, 4])
  assert.equal(pool.threads, 2, 'a stage on a shared pool keeps its threads')
  await pool.close()
  assert.equal(pool.threads, 0)
  assertNoLiveThreads()
  await assert.rejects(pool.run(square, 1), /^Error: pool: the pool is closed$/)
  await assert.rejects(pipe([1], pool.map(tasks.inc), toArray()), /^Error: pool.map: the pool is closed$/)
  await pool.close() // a second close is harmless
})

test('createPool: await using closes the pool', async () => {
  let seen: Pool | undefined
  {
    await using pool = createPool({ workers })
    seen = pool
    assert.equal(await pool.run(tasks.inc, 1), 2)
    assert.equal(pool.threads, 2)
  }
  assert.equal(seen.threads, 0)
  assertNoLiveThreads()
})

test('createPool: two map stages use one pool at once', async () => {
  await using pool = createPool({ workers })
  const a = pipe(tracked([1, 2, 3, 4, 5]), pool.map<number, number>(tasks.inc))
  const b = pipe(tracked([1, 2, 3, 4, 5]), pool.map<number, number>(square, { ordered: true }))
  assert.deepEqual(await pipe(zip(a, b), toArray()), [
    [2, 1],
    [3, 4],
    [4, 9],
    [5, 16],
    [6, 25],
  ])
  const [x, y] = await Promise.all([
    pipe([1, 2, 3], pool.map<number, number>(tasks.inc, { ordered: false }), toArray()),
    pipe([1, 2, 3], pool.map<number, number>({ module: tasks.inc, name: 'double' }), toArray()),
  ])
  assert.deepEqual(
    x.sort((p, q) => p - q),
    [2, 3, 4],
  )
  assert.deepEqual(y, [2, 4, 6])
  assert.equal(pool.threads, 2)
})

test('createPool: break in one stage cancels its tasks; the pool and the other stage go on', async () => {
  await using pool = createPool({ workers })
  const g = gates(10)
  const src = tracked(Array.from({ length: 10 }, (_, i): Job => ({ gates: g.sab, i })))
  g.open(0)
  for await (const x of pipe(src, pool.map<Job, number>(tasks.gated))) {
    assert.equal(x, 0)
    break // tasks 1.. are running (their workers are replaced) or queued (removed)
  }
  assert.equal(src.state.closed, true)
  assert.deepEqual(await pipe([1, 2, 3], pool.map<number, number>(tasks.inc), toArray()), [2, 3, 4])
  await waitFor(() => pool.threads === 2, 'the replaced threads')
  await pool.close()
  assert.equal(pool.threads, 0)
  assertNoLiveThreads()
})

test('createPool: close() right after a stage cancelled running tasks ends every thread', async () => {
  // the threads of the cancelled tasks are terminated and replaced; one that exits only after
  // close() has destroyed the pool makes piscina start replacements, which close() must end too
  for (let round = 0; round < 5; round++) {
    const pool = createPool({ workers })
    const g = gates(6)
    const src = tracked(Array.from({ length: 6 }, (_, i): Job => ({ gates: g.sab, i })))
    g.open(0)
    for await (const x of pipe(src, pool.map<Job, number>(tasks.gated, { batch: 1 }))) {
      assert.equal(x, 0)
      break
    }
    await pool.close()
    assert.equal(pool.threads, 0)
    assertNoLiveThreads()
  }
})

test('createPool: a task error in one stage leaves the pool usable', async () => {
  await using pool = createPool({ workers })
  await assert.rejects(
    pipe([1, 2, 3, 4], pool.map({ module: tasks.inc, name: 'failOn3' }), toArray()),
    /task failed on 3/,
  )
  assert.deepEqual(await pipe([5], pool.map<number, number>(tasks.inc), toArray()), [6])
})

test('createPool: close() waits for queued and running tasks', async () => {
  const pool = createPool({ workers })
  const g = gates(4)
  const runs = [0, 1, 2, 3].map((i) => pool.run<Job, number>(tasks.gated, { gates: g.sab, i }))
  await waitFor(() => pool.threads === 2, 'the threads')
  let closed = false
  const closing = pool.close().then(() => (closed = true))
  await new Promise((r) => setTimeout(r, 20))
  assert.equal(closed, false, 'close() did not wait for the tasks')
  for (const i of [0, 1, 2, 3]) g.open(i)
  assert.deepEqual(await Promise.all(runs), [0, 10, 20, 30])
  await closing
  assert.equal(pool.threads, 0)
  assertNoLiveThreads()
})

test('createPool: run() with a signal rejects with its reason; a worker death is named', async () => {
  await using pool = createPool({ workers })
  const g = gates(1)
  const ac = new AbortController()
  const running = pool.run<Job, number>(tasks.gated, { gates: g.sab, i: 0 }, { signal: ac.signal })
  const reason = new Error('no longer needed')
  ac.abort(reason)
  await assert.rejects(running, (e) => e === reason)
  await assert.rejects(pool.run(tasks.inc, 1, { signal: ac.signal }), (e) => e === reason)
  await assert.rejects(
    pool.run({ module: tasks.death, name: 'exitOn2' }, 2),
    /^Error: pool.run: task .*death\.ts#exitOn2 failed: its worker thread died \(worker exited with code: 3\)$/,
  )
  assert.equal(await pool.run({ module: tasks.death, name: 'exitOn2' }, 1), 1, 'the dead worker was replaced')
})

test('createPool: run() with transfer moves the buffer; transferResult moves the result back', async () => {
  await using pool = createPool({ workers: 1 })
  const xs = new Float64Array([1, 2, 3])
  const out = await pool.run<Float64Array, Float64Array>(tasks.bytes, xs, { transfer: true })
  assert.equal(xs.byteLength, 0)
  assert.ok(out instanceof Float64Array)
  assert.deepEqual([...out], [2, 4, 6])
  const res = await pool.run<Uint8Array, { out: Uint8Array; length: number }>(
    { module: tasks.bytes, name: 'wrapped' },
    new Uint8Array([1, 2]),
  )
  assert.deepEqual(res, { out: new Uint8Array([2, 3]), length: 2 })
})

test('createPool: idleTimeout ends idle threads; the next task starts them again', async () => {
  await using pool = createPool({ workers, idleTimeout: '10ms' })
  assert.equal(await pool.run(tasks.inc, 1), 2)
  await waitFor(() => pool.threads === 0, 'the idle threads to end')
  assert.equal(await pool.run(tasks.inc, 2), 3)
  assert.ok(pool.threads > 0)
})

test('createPool: bad arguments throw at once, naming the argument and value', async () => {
  assert.throws(() => createPool({ workers: 0 }), /^RangeError: createPool: workers must be a positive integer, got 0$/)
  assert.throws(
    () => createPool({ workers: '2' as unknown as number }),
    /createPool: workers must be a number, got "2"/,
  )
  assert.throws(() => createPool({ idleTimeout: 'soon' }), /createPool: idleTimeout must be a duration/)
  assert.throws(
    () => createPool({ resourceLimits: 5 as unknown as object }),
    /createPool: resourceLimits must be an object, got 5/,
  )
  assert.throws(() => createPool('x' as unknown as object), /createPool: options must be an options object/)
  await using pool = createPool({ workers: 1 })
  assert.throws(() => pool.map(42 as unknown as URL), /pool.map: task must be a module path/)
  assert.throws(
    () => pool.map(tasks.inc, { maxInFlight: -1 }),
    /pool.map: maxInFlight must be a positive integer, got -1/,
  )
  assert.throws(() => pool.run(null as unknown as URL, 1), /pool.run: task must be a module path/)
  assert.throws(() => pool.run(tasks.inc, 1, { signal: {} as AbortSignal }), /pool.run: signal must be an AbortSignal/)
  assert.equal(pool.threads, 0)
})

test('createPool: a process that forgets close() or breaks out of a stage still exits', () => {
  const script = `
    import { pipe } from ${JSON.stringify(fileURLToPath(new URL('../../src/pipe/pipe.ts', import.meta.url)))}
    import { createPool, poolMap } from ${JSON.stringify(fileURLToPath(new URL('../../src/pool/index.ts', import.meta.url)))}
    const inc = ${JSON.stringify(tasks.inc.href)}
    const pool = createPool({ workers: 2 })
    console.log(await pool.run(new URL(inc), 1))
    for await (const x of pipe([1, 2, 3], poolMap(new URL(inc), { workers: 2 }))) { console.log(x); break }
  `
  const dir = mkdtempSync(join(tmpdir(), 'streamz-pool-exit-'))
  const file = join(dir, 'script.mts')
  writeFileSync(file, script)
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 20_000 })
  rmSync(dir, { recursive: true, force: true })
  assert.equal(r.error, undefined, 'the process did not exit in time')
  assert.equal(r.stderr, '')
  assert.equal(r.stdout, '2\n2\n')
  assert.equal(r.status, 0)
})

test('createPool: no thread is left alive after the tests above', () => {
  assertNoLiveThreads()
})
