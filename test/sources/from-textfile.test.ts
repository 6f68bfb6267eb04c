import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readlinkSync } from 'node:fs'
import { appendFile, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fromTextfile } from '../../src/sources/from-textfile.js'
import { FakeClock } from '../../src/internal/clock.js'
import { pipe } from '../../src/pipe/pipe.js'
import { toArray } from '../../src/operators/to-array.js'
import { merge } from '../../src/operators/merge.js'
import { within } from '../helpers.js'

let root: string
let n = 0
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'streamz-textfile-'))
})
after(async () => {
  await rm(root, { recursive: true, force: true })
})

async function file(content: string | Buffer): Promise<string> {
  const p = join(root, `f${n++}.txt`)
  await writeFile(p, content)
  return p
}

/** How many of this process's file descriptors are open on `path` (Linux /proc). */
function openFds(path: string): number {
  let count = 0
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) count++
    } catch {
      // closed meanwhile
    }
  }
  return count
}

const DONE = { value: undefined, done: true }

async function until(cond: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 20_000; i++) {
    if (cond()) return
    await new Promise<void>((r) => setImmediate(r))
  }
  throw new Error(`timed out waiting for ${what}`)
}

test('fromTextfile emits lines with their delimiter, and an unterminated last line at the end', async () => {
  const p = await file('a\nb\n\nc')
  assert.deepEqual(await pipe(fromTextfile(p), toArray()), ['a\n', 'b\n', '\n', 'c'])
  assert.equal(openFds(p), 0)
})

test('fromTextfile with keepDelimiter: false strips it', async () => {
  const p = await file('a\nb\nc\n')
  assert.deepEqual(await pipe(fromTextfile(p, { keepDelimiter: false }), toArray()), ['a', 'b', 'c'])
})

test('fromTextfile: an empty file ends without a line', async () => {
  const p = await file('')
  assert.deepEqual(await pipe(fromTextfile(p), toArray()), [])
})

test('fromTextfile: a custom delimiter and a UTF-8 character split across read chunks', async () => {
  const CHUNK = 64 * 1024
  // the two-character delimiter straddles the first chunk boundary
  const p1 = await file('x'.repeat(CHUNK - 1) + '||' + 'tail')
  const a = await pipe(fromTextfile(p1, { delimiter: '||' }), toArray())
  assert.deepEqual(
    a.map((s) => s.length),
    [CHUNK + 1, 4],
  )
  assert.ok(a[0]?.endsWith('x||'))
  // a two-byte character straddles it
  const p2 = await file('y'.repeat(CHUNK - 1) + 'é;€;end')
  const b = await pipe(fromTextfile(p2, { delimiter: ';', keepDelimiter: false }), toArray())
  assert.deepEqual(
    b.map((s) => s.slice(-2)),
    ['yé', '€', 'nd'],
  )
})

test('fromTextfile: many lines over several chunks arrive intact', async () => {
  const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i}`)
  const p = await file(lines.join('\n') + '\n')
  assert.deepEqual(await pipe(fromTextfile(p, { keepDelimiter: false }), toArray()), lines)
})

test('fromTextfile: a missing file rejects the first next(), not the call', async () => {
  const src = fromTextfile(join(root, 'nope.txt'))
  await assert.rejects(src[Symbol.asyncIterator]().next(), { code: 'ENOENT' })
})

test('fromTextfile is lazy: the file is not opened before the first next()', async () => {
  const p = await file('a\n')
  const it = fromTextfile(p)[Symbol.asyncIterator]()
  await new Promise<void>((r) => setImmediate(r))
  assert.equal(openFds(p), 0)
  assert.deepEqual(await it.next(), { value: 'a\n', done: false })
  assert.deepEqual(await it.next(), { value: undefined, done: true })
})

test('fromTextfile: break closes the file', async () => {
  const p = await file('1\n2\n3\n')
  for await (const line of fromTextfile(p)) {
    assert.equal(line, '1\n')
    assert.equal(openFds(p), 1)
    break
  }
  assert.equal(openFds(p), 0)
})

test('fromTextfile: an error downstream closes the file', async () => {
  const p = await file('1\n2\n3\n')
  await assert.rejects(
    (async () => {
      for await (const _ of fromTextfile(p)) throw new Error('consumer failed')
    })(),
    /consumer failed/,
  )
  assert.equal(openFds(p), 0)
})

test('fromTextfile with follow: polls for appended data and holds a partial line until its delimiter', async () => {
  const p = await file('a\nb')
  const clock = new FakeClock()
  const seen: string[] = []
  const done = (async () => {
    for await (const line of fromTextfile(p, { follow: true, clock })) {
      seen.push(line)
      if (line === 'stop\n') break
    }
  })()
  await until(() => clock.pending === 1, 'the end of the file')
  assert.deepEqual(seen, ['a\n']) // 'b' waits for its newline
  await appendFile(p, 'c\nd')
  await clock.advance(99)
  assert.deepEqual(seen, ['a\n'])
  await clock.advance(1)
  await until(() => seen.length === 2 && clock.pending === 1, 'the appended line')
  assert.deepEqual(seen, ['a\n', 'bc\n'])
  await appendFile(p, '\nstop\n')
  await clock.advance(100)
  await done
  assert.deepEqual(seen, ['a\n', 'bc\n', 'd\n', 'stop\n'])
  assert.equal(clock.pending, 0)
  assert.equal(openFds(p), 0)
})

test('fromTextfile with follow and a duration string pollInterval starts over when the file is truncated', async () => {
  const p = await file('one\ntwo\n')
  const clock = new FakeClock()
  const ac = new AbortController()
  const seen: string[] = []
  const done = (async () => {
    for await (const line of fromTextfile(p, { follow: true, pollInterval: '1s', clock, signal: ac.signal }))
      seen.push(line)
  })()
  await until(() => clock.pending === 1, 'the end of the file')
  await truncate(p, 0)
  await appendFile(p, 'new\n')
  await clock.advance(1000)
  await until(() => seen.length === 3 && clock.pending === 1, 'the rewritten line')
  assert.deepEqual(seen, ['one\n', 'two\n', 'new\n'])
  ac.abort(new Error('enough'))
  await assert.rejects(done, /enough/)
  await until(() => openFds(p) === 0, 'the file to close')
  assert.equal(clock.pending, 0)
})

test('fromTextfile with fromEnd: only data appended after the start', async () => {
  const p = await file('old 1\nold 2\n')
  assert.deepEqual(await pipe(fromTextfile(p, { fromEnd: true }), toArray()), [])
  const clock = new FakeClock()
  const it = fromTextfile(p, { fromEnd: true, follow: true, clock })[Symbol.asyncIterator]()
  const first = it.next()
  await until(() => clock.pending === 1, 'the end of the file')
  await appendFile(p, 'fresh\n')
  await clock.advance(100)
  assert.deepEqual(await first, { value: 'fresh\n', done: false })
  await it.return?.()
  assert.equal(openFds(p), 0)
})

test('fromTextfile: abort while following rejects with the reason, cancels the timer and closes the file', async () => {
  const p = await file('x\n')
  const clock = new FakeClock()
  const ac = new AbortController()
  const it = fromTextfile(p, { follow: true, clock, signal: ac.signal })[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: 'x\n', done: false })
  const pending = it.next()
  await until(() => clock.pending === 1, 'the end of the file')
  assert.equal(openFds(p), 1)
  const reason = new Error('stop')
  ac.abort(reason)
  await assert.rejects(pending, (e) => e === reason)
  await until(() => openFds(p) === 0, 'the file to close')
  assert.equal(clock.pending, 0)
})

test('fromTextfile with follow: return() while a next() waits for data closes the file and ends that next()', async () => {
  const p = await file('x\n')
  const clock = new FakeClock()
  const it = fromTextfile(p, { follow: true, clock })[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: 'x\n', done: false })
  const pending = it.next() // nothing more to read: it sleeps until the next poll
  await until(() => clock.pending === 1, 'the end of the file')
  assert.equal(openFds(p), 1)
  assert.deepEqual(await within(it.return!(), 'return()'), DONE)
  assert.deepEqual(await within(pending, 'the pending next()'), DONE)
  assert.equal(openFds(p), 0)
  assert.equal(clock.pending, 0)
  await appendFile(p, 'y\n')
  await clock.advance(1000)
  assert.deepEqual(await it.next(), DONE)
})

test('fromTextfile with follow: merge closing it on break closes the file', async () => {
  const p = await file('')
  const clock = new FakeClock()
  const seen: unknown[] = []
  for await (const x of merge(fromTextfile(p, { follow: true, clock }), [1])) {
    seen.push(x)
    await until(() => clock.pending === 1 && openFds(p) === 1, 'the end of the file')
    break
  }
  assert.deepEqual(seen, [1])
  await until(() => openFds(p) === 0, 'the file to close')
  assert.equal(clock.pending, 0)
})

test('fromTextfile checks its arguments at construction', () => {
  assert.throws(() => fromTextfile(''), { name: 'TypeError', message: /fromTextfile: path/ })
  assert.throws(() => fromTextfile(1 as unknown as string), /fromTextfile: path .*1/)
  assert.throws(() => fromTextfile('f', { delimiter: '' }), /fromTextfile: delimiter/)
  assert.throws(() => fromTextfile('f', { follow: 'yes' as unknown as boolean }), /fromTextfile: follow .*"yes"/)
  assert.throws(() => fromTextfile('f', { fromEnd: 1 as unknown as boolean }), /fromTextfile: fromEnd/)
  assert.throws(() => fromTextfile('f', { keepDelimiter: null as unknown as boolean }), /fromTextfile: keepDelimiter/)
  assert.throws(() => fromTextfile('f', { pollInterval: -1 }), {
    name: 'RangeError',
    message: /fromTextfile: pollInterval/,
  })
  assert.throws(() => fromTextfile('f', { pollInterval: 'soon' }), /fromTextfile: pollInterval/)
  assert.throws(() => fromTextfile('f', null as unknown as object), /fromTextfile: options/)
  assert.throws(() => fromTextfile('f', { signal: {} as AbortSignal }), /fromTextfile: signal/)
})
