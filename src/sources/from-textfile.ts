import { open } from 'node:fs/promises'
import { abortable } from '../internal/abort.js'
import { checkObject, checkSignal, show } from '../internal/check.js'
import { realClock, type Clock } from '../internal/clock.js'
import { toMs } from '../internal/duration.js'
import { interruptible } from '../internal/interruptible.js'
import { describe } from '../internal/describe.js'

/** Options for {@link fromTextfile}. */
export interface FromTextfileOptions {
  /** Keep polling for appended data at the end of the file, like `tail -f` (Streamz always does). Default `false`. */
  follow?: boolean
  /** Start at the end of the file, as it is at the first `next()`: only data appended later is read. Default `false`. */
  fromEnd?: boolean
  /** What separates the parts. Default `'\n'`. */
  delimiter?: string
  /** Whether each emitted part ends with its delimiter, as in Streamz. Default `true`; `false` strips it. */
  keepDelimiter?: boolean
  /** When following, the time between two looks for new data: milliseconds or a duration string. Default `'100ms'`. */
  pollInterval?: number | string
  /** The clock to sleep on while following (default the real clock; a `FakeClock` in tests). */
  clock?: Clock
  /** Aborting it rejects the pending `next()` with `signal.reason` and closes the file. */
  signal?: AbortSignal
}

const CHUNK = 64 * 1024

/**
 * Emit the lines (parts ending with `delimiter`) of a UTF-8 text file (Streamz
 * `from_textfile`). As in Streamz, each line keeps its delimiter (`'a\n'`), so that a last
 * part without one can be told apart; pass `keepDelimiter: false` to strip it. The file is
 * opened at the first `next()` and read in chunks, so memory stays small whatever its size.
 * Without `follow` it ends at the end of the file, emitting an unterminated last part as it
 * is. With `follow` it never ends (stop it with `break` or `signal`, which take effect at
 * once, even while a `next()` is waiting for data): at the end of the file
 * it polls every `pollInterval` for appended data, an unterminated last part is held until
 * its delimiter arrives, and a file that shrinks (truncated) is read again from its start.
 * The file is closed on end, error, `break` and abort; a missing file rejects the first
 * `next()`.
 * @param path - the file to read
 * @param options - `{ follow = false, fromEnd = false, delimiter = '\n', keepDelimiter = true, pollInterval = '100ms', clock, signal }`
 * @example
 * ```ts
 * await pipe(fromTextfile('app.log', { follow: true, keepDelimiter: false }), filter((l) => l.includes('ERROR')), sink(console.log))
 * ```
 */
export function fromTextfile(path: string, options: FromTextfileOptions = {}): AsyncIterable<string> {
  if (typeof path !== 'string' || path === '')
    throw new TypeError(`fromTextfile: path must be a non-empty string, got ${show(path)}`)
  checkObject('fromTextfile', 'options', options)
  const {
    follow = false,
    fromEnd = false,
    delimiter = '\n',
    keepDelimiter = true,
    pollInterval = '100ms',
    clock = realClock,
    signal,
  } = options
  for (const [name, value] of [
    ['follow', follow],
    ['fromEnd', fromEnd],
    ['keepDelimiter', keepDelimiter],
  ] as const)
    if (typeof value !== 'boolean') throw new TypeError(`fromTextfile: ${name} must be a boolean, got ${show(value)}`)
  if (typeof delimiter !== 'string' || delimiter === '')
    throw new TypeError(`fromTextfile: delimiter must be a non-empty string, got ${show(delimiter)}`)
  const interval = toMs('fromTextfile', 'pollInterval', pollInterval)
  checkSignal('fromTextfile', signal)

  // `stop` fires on `signal` and on return() during a pending next(): the poll sleep takes it,
  // and it is checked after each read, so a pending next() settles and the file is closed
  async function* fromTextfileStage(stop: AbortSignal): AsyncGenerator<string, void, undefined> {
    stop.throwIfAborted()
    const fh = await open(path, 'r')
    try {
      stop.throwIfAborted()
      let pos = fromEnd ? (await fh.stat()).size : 0
      const buf = Buffer.allocUnsafe(CHUNK)
      let decoder = new TextDecoder()
      let pending = ''
      /** where in `pending` the delimiter may start: earlier positions were searched already */
      let scanFrom = 0
      for (;;) {
        stop.throwIfAborted()
        const { bytesRead } = await fh.read(buf, 0, CHUNK, pos)
        stop.throwIfAborted()
        if (bytesRead > 0) {
          pos += bytesRead
          pending += decoder.decode(buf.subarray(0, bytesRead), { stream: true })
          let start = 0
          for (let i = pending.indexOf(delimiter, scanFrom); i !== -1; i = pending.indexOf(delimiter, start)) {
            const end = i + delimiter.length
            const line = pending.slice(start, keepDelimiter ? end : i)
            start = end
            yield line
          }
          pending = pending.slice(start)
          scanFrom = Math.max(0, pending.length - delimiter.length + 1)
          continue
        }
        if (!follow) {
          pending += decoder.decode()
          if (pending !== '') yield pending
          return
        }
        const { size } = await fh.stat()
        stop.throwIfAborted()
        if (size < pos) {
          // truncated (a log rotated by copy-and-truncate): start over
          pos = 0
          decoder = new TextDecoder()
          pending = ''
          scanFrom = 0
          continue
        }
        await clock.sleep(interval, stop)
      }
    } finally {
      await fh.close()
    }
  }
  return describe(abortable(interruptible(fromTextfileStage, signal), signal), {
    name: `fromTextfile(${path})`,
    kind: 'source',
  })
}
