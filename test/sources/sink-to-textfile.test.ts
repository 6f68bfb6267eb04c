import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, readlinkSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sinkToTextfile } from '../../src/sources/sink-to-textfile.js'
import { pipe } from '../../src/pipe/pipe.js'
import { map } from '../../src/operators/map.js'
import { tracked } from '../helpers.js'

let root: string
let n = 0
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'streamz-sink-'))
})
after(async () => {
  await rm(root, { recursive: true, force: true })
})
const fresh = (): string => join(root, `out${n++}.txt`)

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

test('sinkToTextfile writes String(x) + end for each element and closes the file', async () => {
  const p = fresh()
  await pipe([1, 'two', { toString: () => 'three' }], sinkToTextfile(p))
  assert.equal(await readFile(p, 'utf8'), '1\ntwo\nthree\n')
  assert.equal(openFds(p), 0)
})

test('sinkToTextfile appends by default; mode w truncates first', async () => {
  const p = fresh()
  await writeFile(p, 'old\n')
  await pipe(['a'], sinkToTextfile(p))
  assert.equal(await readFile(p, 'utf8'), 'old\na\n')
  await pipe(['b', 'c'], sinkToTextfile(p, { mode: 'w', end: ';' }))
  assert.equal(await readFile(p, 'utf8'), 'b;c;')
})

test('sinkToTextfile on an empty source creates the file (w empties it)', async () => {
  const p = fresh()
  await pipe([], sinkToTextfile(p))
  assert.equal(await readFile(p, 'utf8'), '')
  await writeFile(p, 'x')
  await pipe([], sinkToTextfile(p, { mode: 'w' }))
  assert.equal(await readFile(p, 'utf8'), '')
})

test('sinkToTextfile: a source error keeps what was written, closes the file and rejects', async () => {
  const p = fresh()
  const src = tracked(['a', 'b', 'c'], { failAt: 2, error: new Error('boom') })
  await assert.rejects(pipe(src, sinkToTextfile(p)), /boom/)
  assert.equal(await readFile(p, 'utf8'), 'a\nb\n')
  assert.equal(openFds(p), 0)
})

test('sinkToTextfile: an error upstream in a callback closes the file and the source', async () => {
  const p = fresh()
  const src = tracked([1, 2, 3])
  const failing = map((x: number) => {
    if (x === 2) throw new Error('bad element')
    return x
  })
  await assert.rejects(pipe(src, failing, sinkToTextfile(p)), /bad element/)
  assert.equal(await readFile(p, 'utf8'), '1\n')
  assert.equal(src.state.closed, true)
  assert.equal(openFds(p), 0)
})

test(
  'sinkToTextfile: a failing write closes the file and the source and rejects',
  { skip: process.platform !== 'linux' },
  async () => {
    const src = tracked(['x', 'y'])
    await assert.rejects(pipe(src, sinkToTextfile('/dev/full')), { code: 'ENOSPC' })
    assert.equal(src.state.closed, true)
    assert.equal(openFds('/dev/full'), 0)
  },
)

test('sinkToTextfile: a file that cannot be opened rejects without reading the source', async () => {
  const dir = join(root, 'a-dir')
  await mkdir(dir)
  const src = tracked([1])
  await assert.rejects(pipe(src, sinkToTextfile(dir)), { code: 'EISDIR' })
  assert.equal(src.state.pulled, 0)
})

test('sinkToTextfile is lazy and applies back pressure: the next element is pulled once the write is done', async () => {
  const p = fresh()
  const sinkFn = sinkToTextfile<string>(p)
  await new Promise<void>((r) => setImmediate(r))
  await assert.rejects(readFile(p), { code: 'ENOENT' }) // nothing opened before the sink runs
  const onDiskAtPull: string[] = []
  async function* source(): AsyncGenerator<string> {
    for (const x of ['a', 'b', 'c']) {
      onDiskAtPull.push(readFileSync(p, 'utf8'))
      yield x
    }
  }
  await pipe(source(), sinkFn)
  assert.deepEqual(onDiskAtPull, ['', 'a\n', 'a\nb\n'])
  assert.equal(await readFile(p, 'utf8'), 'a\nb\nc\n')
})

test('sinkToTextfile checks its arguments at construction', () => {
  assert.throws(() => sinkToTextfile(''), { name: 'TypeError', message: /sinkToTextfile: path/ })
  assert.throws(() => sinkToTextfile(5 as unknown as string), /sinkToTextfile: path .*5/)
  assert.throws(() => sinkToTextfile('f', { mode: 'r' as 'a' }), {
    name: 'RangeError',
    message: /sinkToTextfile: mode .*"r"/,
  })
  assert.throws(() => sinkToTextfile('f', { end: 0 as unknown as string }), /sinkToTextfile: end/)
  assert.throws(() => sinkToTextfile('f', null as unknown as object), /sinkToTextfile: options/)
})
