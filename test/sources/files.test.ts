import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { files } from '../../src/sources/files.js'
import { FakeClock } from '../../src/internal/clock.js'
import { merge } from '../../src/operators/merge.js'
import { within } from '../helpers.js'

let root: string
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'streamz-files-'))
})
after(async () => {
  await rm(root, { recursive: true, force: true })
})

/** Wait (event-loop turns, no timers) until `cond()` holds: file I/O runs in real time. */
async function until(cond: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 20_000; i++) {
    if (cond()) return
    await new Promise<void>((r) => setImmediate(r))
  }
  throw new Error(`timed out waiting for ${what}`)
}

const DONE = { value: undefined, done: true }

/** Consume `src` in the background until `stop` is set; returns what was seen. */
function consume(src: AsyncIterable<string>) {
  const seen: string[] = []
  const ctl = { stop: false }
  const done = (async () => {
    for await (const p of src) {
      seen.push(p)
      if (ctl.stop) break
    }
  })()
  return { seen, ctl, done }
}

test('files emits the files of a directory, sorted, once each, then new ones as they appear', async () => {
  const dir = await mkdtemp(join(root, 'dir-'))
  await writeFile(join(dir, 'b.txt'), 'b')
  await writeFile(join(dir, 'a.txt'), 'a')
  await writeFile(join(dir, '.hidden'), 'h')
  await mkdir(join(dir, 'sub'))
  await writeFile(join(dir, 'sub', 'deep.txt'), 'd')
  const clock = new FakeClock()
  const { seen, ctl, done } = consume(files(dir, { clock }))
  await until(() => clock.pending === 1, 'the first poll')
  assert.deepEqual(seen, [join(dir, 'a.txt'), join(dir, 'b.txt')])
  await clock.advance(100) // a second poll with nothing new
  await until(() => clock.pending === 1, 'the second poll')
  assert.equal(seen.length, 2)
  await writeFile(join(dir, 'd.txt'), 'd')
  await writeFile(join(dir, 'c.txt'), 'c')
  await clock.advance(99)
  assert.equal(seen.length, 2)
  ctl.stop = true
  await clock.advance(1)
  await done
  assert.deepEqual(seen, [join(dir, 'a.txt'), join(dir, 'b.txt'), join(dir, 'c.txt')])
  assert.equal(clock.pending, 0) // break left no timer behind
})

test('files follows a glob, with a duration string as pollInterval', async () => {
  const dir = await mkdtemp(join(root, 'glob-'))
  await writeFile(join(dir, 'x.csv'), '')
  await writeFile(join(dir, 'y.json'), '')
  const clock = new FakeClock()
  const it = files(join(dir, '*.csv'), { clock, pollInterval: '1s' })[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: join(dir, 'x.csv'), done: false })
  await writeFile(join(dir, 'z.csv'), '')
  const p = it.next()
  await until(() => clock.pending === 1, 'sleeping')
  await clock.advance(1000)
  assert.deepEqual(await p, { value: join(dir, 'z.csv'), done: false })
  await it.return?.()
  assert.equal(clock.pending, 0)
})

test('files: a recursive glob matches files, never directories', async () => {
  const dir = await mkdtemp(join(root, 'rec-'))
  await mkdir(join(dir, 'a.d'))
  await writeFile(join(dir, 'a.d', 'one.d'), '')
  const it = files(join(dir, '**', '*.d'), { clock: new FakeClock() })[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: join(dir, 'a.d', 'one.d'), done: false })
  await it.return?.()
})

test('files waits for a directory that does not exist yet', async () => {
  const dir = join(root, 'later')
  const clock = new FakeClock()
  const it = files(dir, { clock })[Symbol.asyncIterator]()
  const p = it.next()
  await until(() => clock.pending === 1, 'the first poll')
  await mkdir(dir)
  await writeFile(join(dir, 'f'), '')
  await clock.advance(100)
  assert.deepEqual(await p, { value: join(dir, 'f'), done: false })
  await it.return?.()
})

test('files on a plain file path emits it once', async () => {
  const file = join(root, 'single.txt')
  await writeFile(file, '')
  const clock = new FakeClock()
  const ac = new AbortController()
  const it = files(file, { clock, signal: ac.signal })[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: file, done: false })
  let got: unknown
  const p = it.next().then(
    (r) => (got = r),
    (e: unknown) => (got = e),
  )
  for (let i = 0; i < 3; i++) {
    await until(() => clock.pending === 1, 'sleeping')
    await clock.advance(100)
  }
  await until(() => clock.pending === 1, 'sleeping')
  assert.equal(got, undefined) // polled four times, nothing more emitted
  ac.abort(new Error('done'))
  await p
  assert.match(String(got), /done/)
})

test('files is lazy: no poll and no timer before the first next()', async () => {
  const clock = new FakeClock()
  files(root, { clock })[Symbol.asyncIterator]()
  await clock.flush()
  assert.equal(clock.pending, 0)
})

test('files: abort while polling rejects with the reason and cancels the timer', async () => {
  const dir = await mkdtemp(join(root, 'abort-'))
  const clock = new FakeClock()
  const ac = new AbortController()
  const it = files(dir, { clock, signal: ac.signal })[Symbol.asyncIterator]()
  const p = it.next()
  await until(() => clock.pending === 1, 'sleeping')
  const reason = new Error('stop')
  ac.abort(reason)
  await assert.rejects(p, (e) => e === reason)
  await until(() => clock.pending === 0, 'the timer to go')
  await assert.rejects(it.next(), (e) => e === reason)
})

test('files: return() while a next() waits for the next poll cancels the timer and ends that next()', async () => {
  const dir = await mkdtemp(join(root, 'return-'))
  const clock = new FakeClock()
  const it = files(dir, { clock })[Symbol.asyncIterator]()
  const pending = it.next() // an empty directory: nothing to emit, so it sleeps
  await until(() => clock.pending === 1, 'sleeping')
  assert.deepEqual(await within(it.return!(), 'return()'), DONE)
  assert.deepEqual(await within(pending, 'the pending next()'), DONE)
  assert.equal(clock.pending, 0)
  await writeFile(join(dir, 'late.txt'), 'x')
  await clock.advance(1000)
  assert.equal(clock.pending, 0)
  assert.deepEqual(await it.next(), DONE)
})

test('files: merge closing it on break cancels its waiting timer', async () => {
  const dir = await mkdtemp(join(root, 'merge-'))
  const clock = new FakeClock()
  const seen: unknown[] = []
  for await (const x of merge(files(dir, { clock }), [1])) {
    seen.push(x)
    await until(() => clock.pending === 1, 'files to sleep')
    break
  }
  assert.deepEqual(seen, [1])
  await until(() => clock.pending === 0, 'the timer to go')
})

test('files: a path through a file is treated as absent; an invalid path ends with its error', async () => {
  const file = join(root, 'not-a-dir')
  await writeFile(file, '')
  const clock = new FakeClock()
  const ac = new AbortController()
  const it = files(join(file, 'x'), { clock, signal: ac.signal })[Symbol.asyncIterator]()
  const p = it.next()
  await until(() => clock.pending === 1, 'sleeping') // ENOTDIR: nothing yet, still polling
  ac.abort(new Error('enough'))
  await assert.rejects(p, /enough/)
  const it2 = files('bad\0path', { clock: new FakeClock() })[Symbol.asyncIterator]()
  await assert.rejects(it2.next(), { code: 'ERR_INVALID_ARG_VALUE' })
})

test('files checks its arguments at construction', () => {
  assert.throws(() => files(''), { name: 'TypeError', message: /files: globOrDir/ })
  assert.throws(() => files(3 as unknown as string), { name: 'TypeError', message: /files: globOrDir .*3/ })
  assert.throws(() => files('.', { pollInterval: -1 }), { name: 'RangeError', message: /files: pollInterval/ })
  assert.throws(() => files('.', { pollInterval: 'often' }), { name: 'RangeError', message: /files: pollInterval/ })
  assert.throws(() => files('.', null as unknown as object), /files: options/)
  assert.throws(() => files('.', { signal: 1 as unknown as AbortSignal }), /files: signal/)
})
