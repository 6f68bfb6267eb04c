import { glob, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { abortable } from '../internal/abort.js'
import { checkObject, checkSignal, show } from '../internal/check.js'
import { realClock, type Clock } from '../internal/clock.js'
import { toMs } from '../internal/duration.js'
import { interruptible } from '../internal/interruptible.js'
import { describe } from '../internal/describe.js'

/** Options for {@link files}. */
export interface FilesOptions {
  /** Time between two looks at the directory: milliseconds or a duration string. Default `'100ms'`. */
  pollInterval?: number | string
  /** The clock to sleep on (default the real clock; a `FakeClock` in tests). */
  clock?: Clock
  /** Aborting it rejects the pending `next()` with `signal.reason` and stops polling. */
  signal?: AbortSignal
}

const MAGIC = /[*?[\]{}]/

/**
 * Emit the path of every file that exists or appears in a directory or matches a glob
 * (Streamz `filenames`). A directory means the files directly in it (not recursive, and
 * not dot-files, as with Streamz's `dir/*` glob); a
 * string with `*`, `?`, `[` or `{` is a glob (`node:fs` glob syntax, `**` recurses); any
 * other path is watched for that one file. Directories are never emitted. The path is
 * polled every `pollInterval`; each path is emitted once, in sorted order within one poll.
 * A directory that does not exist yet emits nothing until it does. Never ends by itself:
 * stop it with `break` or `signal`, which cancel the timer at once, even while a `next()` is
 * waiting (no timer is left behind); an error reading the directory
 * (other than its absence) ends it with that error.
 * @param globOrDir - a directory, a glob such as `'data/*.csv'`, or a file path
 * @param options - `{ pollInterval = '100ms', clock, signal }`
 * @example
 * ```ts
 * await pipe(files('incoming/*.json'), map((p) => readFile(p, 'utf8')), sink(console.log))
 * ```
 */
export function files(globOrDir: string, options: FilesOptions = {}): AsyncIterable<string> {
  if (typeof globOrDir !== 'string' || globOrDir === '')
    throw new TypeError(`files: globOrDir must be a non-empty string, got ${show(globOrDir)}`)
  checkObject('files', 'options', options)
  const { pollInterval = '100ms', clock = realClock, signal } = options
  const interval = toMs('files', 'pollInterval', pollInterval)
  checkSignal('files', signal)
  const pattern = MAGIC.test(globOrDir)

  /** the candidate paths right now, directories included */
  async function list(): Promise<string[]> {
    if (pattern) {
      const out: string[] = []
      for await (const p of glob(globOrDir)) out.push(p)
      return out
    }
    try {
      const st = await stat(globOrDir)
      if (!st.isDirectory()) return [globOrDir]
      const entries = await readdir(globOrDir, { withFileTypes: true })
      return entries.filter((d) => !d.isDirectory() && !d.name.startsWith('.')).map((d) => join(globOrDir, d.name))
    } catch (e) {
      if (isMissing(e)) return []
      throw e
    }
  }

  // `stop` fires on `signal` and on return() during a pending next(): the sleep takes it
  async function* filesStage(stop: AbortSignal): AsyncGenerator<string, void, undefined> {
    const seen = new Set<string>()
    for (;;) {
      stop.throwIfAborted()
      const fresh: string[] = []
      const found = await list()
      stop.throwIfAborted()
      for (const p of found) {
        if (seen.has(p)) continue
        let isDir: boolean
        try {
          isDir = (await stat(p)).isDirectory()
        } catch (e) {
          if (isMissing(e)) continue // gone again: it may come back
          throw e
        }
        seen.add(p)
        if (!isDir) fresh.push(p)
      }
      fresh.sort()
      for (const p of fresh) yield p
      await clock.sleep(interval, stop)
    }
  }
  return describe(abortable(interruptible(filesStage, signal), signal), { name: `files(${globOrDir})`, kind: 'source' })
}

function isMissing(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code
  return code === 'ENOENT' || code === 'ENOTDIR'
}
