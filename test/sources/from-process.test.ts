import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, realpathSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fromProcess } from '../../src/sources/from-process.js'
import { pipe } from '../../src/pipe/pipe.js'
import { toArray } from '../../src/operators/to-array.js'
import { merge } from '../../src/operators/merge.js'
import { within } from '../helpers.js'

const sh = (script: string) => ['/bin/sh', ['-c', script]] as const

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Poll `cond` until it holds, failing after 2 s of real time (a guard: processes run in real time). */
async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 2000
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise<void>((r) => setTimeout(r, 5))
  }
}

test('fromProcess emits stdout lines with their newline, and an unterminated last line', async () => {
  assert.deepEqual(await pipe(fromProcess(...sh('printf "a\\nb\\n\\nc"')), toArray()), ['a\n', 'b\n', '\n', 'c'])
})

test('fromProcess passes arguments as they are, without a shell', async () => {
  const out = await pipe(fromProcess('printf', ['%s|%s\\n', 'x y', '$HOME']), toArray())
  assert.deepEqual(out, ['x y|$HOME\n'])
})

test('fromProcess with keepDelimiter: false strips the newline; a process with no output ends empty', async () => {
  assert.deepEqual(await pipe(fromProcess(...sh('echo one; echo two'), { keepDelimiter: false }), toArray()), [
    'one',
    'two',
  ])
  assert.deepEqual(await pipe(fromProcess('true'), toArray()), [])
})

test('fromProcess: cwd and env reach the process', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'streamz-proc-'))
  try {
    const out = await pipe(
      fromProcess(...sh('pwd; echo "$GREETING"'), { cwd: dir, env: { GREETING: 'hi', PATH: process.env.PATH } }),
      toArray(),
    )
    assert.deepEqual(out, [`${realpathSync(dir)}\n`, 'hi\n'])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('fromProcess: a non-zero exit fails after the lines read, naming the command, code and stderr', async () => {
  const seen: string[] = []
  await assert.rejects(
    (async () => {
      for await (const line of fromProcess(...sh('echo one; echo two; echo "it broke" >&2; exit 3'))) seen.push(line)
    })(),
    (e: Error) => {
      assert.match(e.message, /fromProcess: "\/bin\/sh -c .*exit 3" exited with code 3/)
      assert.match(e.message, /it broke/)
      return true
    },
  )
  assert.deepEqual(seen, ['one\n', 'two\n'])
})

test('fromProcess: a process killed by a signal fails', async () => {
  await assert.rejects(pipe(fromProcess(...sh('echo hi; kill -9 $$')), toArray()), /was killed by SIGKILL/)
})

test('fromProcess: a command that cannot start rejects the first next()', async () => {
  const src = fromProcess('/nonexistent/streamz-cmd', ['x'])
  await assert.rejects(src[Symbol.asyncIterator]().next(), (e: Error) => {
    assert.match(e.message, /cannot run "\/nonexistent\/streamz-cmd x".*ENOENT/)
    return true
  })
})

test('fromProcess is lazy: nothing is started before the first next()', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'streamz-proc-'))
  try {
    const marker = join(dir, 'started')
    const it = fromProcess('touch', [marker])[Symbol.asyncIterator]()
    for (let i = 0; i < 200; i++) await new Promise<void>((r) => setImmediate(r))
    assert.equal(existsSync(marker), false)
    assert.deepEqual(await it.next(), { value: undefined, done: true })
    assert.equal(existsSync(marker), true)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('fromProcess: break kills the process and waits for it', async () => {
  let pid = 0
  let n = 0
  for await (const line of fromProcess(...sh('echo $$; exec yes'))) {
    if (pid === 0) pid = Number(line)
    else if (++n === 3) break
  }
  assert.ok(pid > 0)
  assert.equal(alive(pid), false)
})

test('fromProcess: an error downstream kills the process', async () => {
  let pid = 0
  await assert.rejects(
    (async () => {
      for await (const line of fromProcess(...sh('echo $$; exec sleep 60'))) {
        pid = Number(line)
        throw new Error('consumer failed')
      }
    })(),
    /consumer failed/,
  )
  assert.equal(alive(pid), false)
})

test('fromProcess: abort rejects the pending next() with the reason and kills the process', async () => {
  const ac = new AbortController()
  const it = fromProcess(...sh('echo $$; exec sleep 60'), { signal: ac.signal })[Symbol.asyncIterator]()
  const first = await it.next()
  const pid = Number(first.value)
  const pending = it.next()
  const reason = new Error('stop')
  ac.abort(reason)
  await assert.rejects(pending, (e) => e === reason)
  // the consumer's next() rejects at once; the kill and reap follow in the generator's finally
  for (let i = 0; i < 100_000 && alive(pid); i++) await new Promise<void>((r) => setImmediate(r))
  assert.equal(alive(pid), false)
})

test('fromProcess: return() while a next() waits for a silent process kills it and ends that next()', async () => {
  const it = fromProcess(...sh('echo $$; exec sleep 60'))[Symbol.asyncIterator]()
  const pid = Number((await it.next()).value)
  assert.ok(pid > 0)
  try {
    const pending = it.next() // nothing more to read
    for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r)) // let it wait on the process
    assert.deepEqual(await within(it.return!(), 'return()'), { value: undefined, done: true })
    assert.deepEqual(await within(pending, 'the pending next()'), { value: undefined, done: true })
    assert.equal(alive(pid), false)
    assert.deepEqual(await it.next(), { value: undefined, done: true })
  } finally {
    if (alive(pid)) process.kill(pid, 'SIGKILL') // only when the test failed
  }
})

test('fromProcess: merge closing it on break kills the silent process', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'streamz-proc-'))
  const pidFile = join(dir, 'pid')
  let pid = 0
  try {
    // the process writes its pid to a file and stays silent on stdout
    const src = fromProcess('/bin/sh', ['-c', 'echo $$ > "$0.tmp" && mv "$0.tmp" "$0" && exec sleep 60', pidFile])
    const seen: unknown[] = []
    for await (const x of merge(src, [1])) {
      seen.push(x)
      await until(() => existsSync(pidFile), 'the process to start')
      pid = Number(await readFile(pidFile, 'utf8'))
      break
    }
    assert.deepEqual(seen, [1])
    assert.ok(pid > 0)
    await until(() => !alive(pid), 'the process to be killed')
  } finally {
    if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL') // only when the test failed
    await rm(dir, { recursive: true, force: true })
  }
})

test('fromProcess checks its arguments at construction', () => {
  assert.throws(() => fromProcess(''), { name: 'TypeError', message: /fromProcess: cmd/ })
  assert.throws(() => fromProcess('ls', 'a' as unknown as string[]), /fromProcess: args must be an array of strings/)
  assert.throws(() => fromProcess('ls', [1 as unknown as string]), /fromProcess: args/)
  assert.throws(() => fromProcess('ls', [], { cwd: 1 as unknown as string }), /fromProcess: cwd/)
  assert.throws(() => fromProcess('ls', [], { env: 'x' as unknown as NodeJS.ProcessEnv }), /fromProcess: env/)
  assert.throws(
    () => fromProcess('ls', [], { keepDelimiter: 'no' as unknown as boolean }),
    /fromProcess: keepDelimiter/,
  )
  assert.throws(() => fromProcess('ls', [], null as unknown as object), /fromProcess: options/)
  assert.throws(() => fromProcess('ls', [], { signal: {} as AbortSignal }), /fromProcess: signal/)
})
