import { open } from 'node:fs/promises'
import type { Sink } from '../pipe/types.js'
import { drive } from '../pipe/flow.js'
import { checkObject, show } from '../internal/check.js'
import { describe } from '../internal/describe.js'

/** Options for {@link sinkToTextfile}. */
export interface SinkToTextfileOptions {
  /** Written after each element. Default `'\n'`. */
  end?: string
  /** `'a'` appends to the file, `'w'` truncates it first; either creates it. Default `'a'`. */
  mode?: 'a' | 'w'
}

const noop = (): void => undefined

/**
 * Write each element, as `String(x)` followed by `end`, to a text file (Streamz
 * `sink_to_textfile`). The file is opened when the sink starts (mode `'w'` truncates it then)
 * and each write is awaited before the next element is taken, which is the back pressure.
 * The Promise resolves once the source has ended and the file is closed; an error from the
 * source or from a write closes the file and rejects it (closing the source).
 * @param path - the file to write
 * @param options - `{ end = '\n', mode = 'a' }`
 * @example
 * ```ts
 * await pipe([1, 2, 3], map((x) => x * 10), sinkToTextfile('out.txt', { mode: 'w' })) // out.txt: "10\n20\n30\n"
 * ```
 */
export function sinkToTextfile<T>(path: string, options: SinkToTextfileOptions = {}): Sink<T> {
  if (typeof path !== 'string' || path === '')
    throw new TypeError(`sinkToTextfile: path must be a non-empty string, got ${show(path)}`)
  checkObject('sinkToTextfile', 'options', options)
  const { end = '\n', mode = 'a' } = options
  if (typeof end !== 'string') throw new TypeError(`sinkToTextfile: end must be a string, got ${show(end)}`)
  if ((mode as string) !== 'a' && (mode as string) !== 'w')
    throw new RangeError(`sinkToTextfile: mode must be 'a' or 'w', got ${show(mode)}`)
  return (source) =>
    describe(sinkToTextfileSink(source), { name: `sinkToTextfile(${path})`, kind: 'sink', upstream: [source] })
  async function sinkToTextfileSink(source: AsyncIterable<T>): Promise<void> {
    const fh = await open(path, mode)
    try {
      await drive(source, {
        push: (x) => fh.writeFile(String(x) + end).then(noop),
        end: noop,
      })
    } finally {
      await fh.close()
    }
  }
}
