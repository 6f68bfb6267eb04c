import { checkObject, checkSignal, fail } from '../internal/check.js'
import type { Clock } from '../internal/clock.js'
import { toMs } from '../internal/duration.js'
import { compact } from './dot.js'
import type { Pipeline } from './graph.js'
import { instrument, type Instrumented, type Snapshot } from './instrument.js'

/**
 * Where `progress` writes: a stream with `write`, and `isTTY` when it is a terminal.
 * @example
 * ```ts
 * const lines: string[] = []
 * const out: ProgressStream = { isTTY: false, write: (text: string) => lines.push(text) }
 * progress(stream, { stream: out })
 * ```
 */
export interface ProgressStream {
  write(text: string): unknown
  readonly isTTY?: boolean
}

/**
 * What {@link progress} returns.
 * @example
 * ```ts
 * const shown: Progress = progress(stream)
 * shown.log('connected') // printed above the table on a terminal
 * shown.stop()
 * ```
 */
export interface Progress {
  /** Draw a last frame and stop. */
  stop(): void
  /** Print a line of your own: on a terminal above the table (which is drawn again below it). */
  log: (text: string) => void
}

/** Options for {@link progress}. */
export interface ProgressOptions {
  /** How often to redraw: ms or a duration string (default `'500ms'` on a terminal, `'5s'` otherwise). */
  interval?: number | string
  /** Where to write (default `process.stderr`). On a TTY the table redraws in place. */
  stream?: ProgressStream | NodeJS.WriteStream
  /** Aborting it stops the display (after one last frame). */
  signal?: AbortSignal
  /** The clock that times the redraws (default real time, on timers that do not keep the process alive). */
  clock?: Clock
}

/** The table, one line per node: stage, count, rate, waiting, in flight. */
export function progressTable(s: Snapshot): string[] {
  const rows = [['stage', 'count', 'rate/s', 'waiting', 'in flight']]
  for (const f of s.stages)
    rows.push([
      f.name,
      compact(f.out),
      compact(Math.round(f.rate)),
      f.waiting > 0 ? compact(f.waiting) : '',
      f.inFlight > 0 ? compact(f.inFlight) : '',
    ])
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)))
  return rows.map((r) =>
    r
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
      .join('  ')
      .trimEnd(),
  )
}

/** One line for a log: `map(parse) 1.2k 300/s · buffer(4) 10 2/s 3 waiting`. */
export function progressLine(s: Snapshot): string {
  return s.stages
    .map((f) => {
      const parts = [f.name, compact(f.out), `${compact(Math.round(f.rate))}/s`]
      if (f.waiting > 0) parts.push(`${compact(f.waiting)} waiting`)
      if (f.inFlight > 0) parts.push(`${compact(f.inFlight)} in flight`)
      return parts.join(' ')
    })
    .join(' · ')
}

/** setTimeout that does not keep the process alive. */
function sleepUnref(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error)
      return
    }
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal.reason as Error)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    timer.unref()
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

const isInstrumented = (x: unknown): x is Instrumented =>
  x !== null &&
  typeof x === 'object' &&
  typeof (x as Partial<Instrumented>).snapshot === 'function' &&
  typeof (x as Partial<Instrumented>).graph === 'object'

/**
 * Show a pipeline's progress while it runs: a compact table (stage, count, rate, waiting, in
 * flight) that redraws in place on a terminal, or one line every few seconds when the output is
 * not a terminal (a log, CI). It instruments the pipeline (see {@link instrument}: call it
 * before the pipeline runs), or takes an `Instrumented` you already have. Returns `stop()`,
 * which draws a last frame and ends the display; so does aborting `signal`. The timers do not
 * keep the process alive. `log(text)` prints a line of your own above the table.
 * @param pipeline - the iterable `pipe` returned (not yet running), an array of them, or an `Instrumented`
 * @param options - `{ interval, stream = process.stderr, signal, clock }`
 * @example
 * ```ts
 * const stream = pipe(files('in/'), map(parse), filter(isValid))
 * const shown = progress(stream)
 * await pipe(stream, sink(save))
 * shown.stop()
 * ```
 */
export function progress(
  pipeline: Pipeline | readonly Pipeline[] | Instrumented,
  options: ProgressOptions = {},
): Progress {
  checkObject('progress', 'options', options)
  const { stream = process.stderr, signal, clock } = options
  if (stream === null || typeof stream !== 'object' || typeof stream.write !== 'function')
    fail(TypeError, 'progress', 'stream', 'a writable stream', stream)
  checkSignal('progress', signal)
  const tty = stream.isTTY === true
  const interval = toMs('progress', 'interval', options.interval ?? (tty ? 500 : 5000))
  const seen = isInstrumented(pipeline) ? pipeline : instrument(pipeline, clock === undefined ? {} : { clock })
  const out = stream
  let drawn = 0 // lines of the last frame, on a TTY
  const draw = (): void => {
    const s = seen.snapshot()
    if (!tty) {
      out.write(`progress: ${progressLine(s)}\n`)
      return
    }
    const lines = progressTable(s)
    let text = drawn > 0 ? `\x1b[${drawn}A` : ''
    for (const l of lines) text += `\x1b[2K${l}\n`
    out.write(text)
    drawn = lines.length
  }
  const ac = new AbortController()
  const stopSignal = signal === undefined ? ac.signal : AbortSignal.any([signal, ac.signal])
  let stopped = false
  const finish = (): void => {
    if (stopped) return
    stopped = true
    ac.abort()
    draw()
  }
  const log = (text: string): void => {
    if (!tty || drawn === 0) {
      out.write(`${text}\n`)
      return
    }
    // clear the table, print the line where it was, draw the table again below it
    out.write(`\x1b[${drawn}A\x1b[J${text}\n`)
    drawn = 0
    if (!stopped) draw()
  }
  if (signal?.aborted === true) {
    finish()
    return { stop() {}, log }
  }
  signal?.addEventListener('abort', finish, { once: true })
  void (async () => {
    for (;;) {
      try {
        await (clock === undefined ? sleepUnref(interval, stopSignal) : clock.sleep(interval, stopSignal))
      } catch {
        return // stopped
      }
      if (stopped) return
      draw()
    }
  })()
  return {
    stop() {
      signal?.removeEventListener('abort', finish)
      finish()
    },
    log,
  }
}
