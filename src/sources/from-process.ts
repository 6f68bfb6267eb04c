import { spawn } from 'node:child_process'
import { abortable } from '../internal/abort.js'
import { checkObject, checkSignal, show } from '../internal/check.js'
import { interruptible } from '../internal/interruptible.js'
import { describe } from '../internal/describe.js'

/** Options for {@link fromProcess}. */
export interface FromProcessOptions {
  /** Working directory of the process. */
  cwd?: string
  /** Environment of the process (default: this process's). */
  env?: NodeJS.ProcessEnv
  /** Whether each line ends with its `'\n'`, as in Streamz. Default `true`; `false` strips it. */
  keepDelimiter?: boolean
  /** Aborting it rejects the pending `next()` with `signal.reason` and kills the process (SIGTERM). */
  signal?: AbortSignal
}

/** How much of the end of stderr is kept for the error message. */
const STDERR_TAIL = 4096
const STDERR_LINES = 10

/**
 * Run a command (no shell) and emit the lines of its standard output, decoded as UTF-8
 * (Streamz `from_process`). As in Streamz, each line keeps its `'\n'`, and an unterminated
 * last line is emitted as it is; `keepDelimiter: false` strips the `'\n'`. The process is
 * started at the first `next()`; its output is read only as fast as the consumer asks (a
 * full pipe pauses the process). Ends when the process has exited with code 0; a non-zero
 * exit or a death by signal fails after the lines already read, with an error naming the
 * command, the code and the last lines of stderr. `break`, an error downstream and an abort
 * kill the process with SIGTERM and wait for it to exit, even while a `next()` is waiting
 * for a silent process (as when `merge` or `zip` close it).
 * @param cmd - the program to run (looked up in `PATH`)
 * @param args - its arguments, passed as they are (no shell quoting)
 * @param options - `{ cwd, env, keepDelimiter = true, signal }`
 * @example
 * ```ts
 * await pipe(fromProcess('git', ['log', '--oneline'], { keepDelimiter: false }), sink(console.log))
 * ```
 */
export function fromProcess(
  cmd: string,
  args: readonly string[] = [],
  options: FromProcessOptions = {},
): AsyncIterable<string> {
  if (typeof cmd !== 'string' || cmd === '')
    throw new TypeError(`fromProcess: cmd must be a non-empty string, got ${show(cmd)}`)
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string'))
    throw new TypeError(`fromProcess: args must be an array of strings, got ${show(args)}`)
  checkObject('fromProcess', 'options', options)
  const { cwd, env, keepDelimiter = true, signal } = options
  if (cwd !== undefined && typeof cwd !== 'string')
    throw new TypeError(`fromProcess: cwd must be a string, got ${show(cwd)}`)
  if (env !== undefined && ((env as unknown) === null || typeof env !== 'object'))
    throw new TypeError(`fromProcess: env must be an object, got ${show(env)}`)
  if (typeof keepDelimiter !== 'boolean')
    throw new TypeError(`fromProcess: keepDelimiter must be a boolean, got ${show(keepDelimiter)}`)
  checkSignal('fromProcess', signal)
  const argv = [...args]
  const name = [cmd, ...argv].join(' ')

  // `stop` fires on `signal` and on return() during a pending next() (a silent process):
  // it kills the process and ends the read of its output, so the finally runs at once
  async function* fromProcessStage(stop: AbortSignal): AsyncGenerator<string, void, undefined> {
    stop.throwIfAborted()
    const child = spawn(cmd, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (s: string) => {
      stderr += s
      if (stderr.length > 2 * STDERR_TAIL) stderr = stderr.slice(-STDERR_TAIL)
    })
    let spawnError: Error | undefined
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.once('error', (e) => {
        spawnError ??= e
        resolve()
      })
    })
    const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
      child.once('close', (code, sig) => resolve([code, sig]))
      child.once('error', () => resolve([null, null]))
    })
    const onStop = (): void => {
      child.kill('SIGTERM')
      child.stdout.destroy(stop.reason as Error)
    }
    stop.addEventListener('abort', onStop, { once: true })
    try {
      child.stdout.setEncoding('utf8')
      let pending = ''
      for await (const chunk of child.stdout as AsyncIterable<string>) {
        pending += chunk
        let start = 0
        for (let i = pending.indexOf('\n'); i !== -1; i = pending.indexOf('\n', start)) {
          const line = pending.slice(start, keepDelimiter ? i + 1 : i)
          start = i + 1
          yield line
        }
        pending = pending.slice(start)
      }
      if (pending !== '') yield pending
      const [code, sig] = await closed
      stop.throwIfAborted()
      if (spawnError !== undefined)
        throw new Error(`fromProcess: cannot run ${show(name)}: ${spawnError.message}`, { cause: spawnError })
      if (code !== 0) {
        const how = sig !== null ? `was killed by ${sig}` : `exited with code ${code}`
        const tail = stderr
          .split('\n')
          .filter((l) => l.trim() !== '')
          .slice(-STDERR_LINES)
        throw new Error(`fromProcess: ${show(name)} ${how}${tail.length > 0 ? `; stderr:\n${tail.join('\n')}` : ''}`)
      }
    } finally {
      stop.removeEventListener('abort', onStop)
      if (child.exitCode === null && child.signalCode === null && spawnError === undefined) {
        child.kill('SIGTERM')
        await exited
      }
      child.stdout.destroy()
      child.stderr.destroy()
    }
  }
  return describe(abortable(interruptible(fromProcessStage, signal), signal), {
    name: `fromProcess(${cmd})`,
    kind: 'source',
  })
}
