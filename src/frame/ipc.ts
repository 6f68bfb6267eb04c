import pl from 'nodejs-polars'
import { show } from '../internal/check.js'

/** Options for {@link frameToIPC}. */
export interface FrameToIPCOptions {
  /**
   * Body compression of the Arrow IPC data (default `'uncompressed'`). Between threads of one process
   * uncompressed is the fastest (a memcpy on each side); `'lz4'` (fast) or `'zstd'` (smaller) pay CPU to
   * shrink bytes that go over a network or to disk. {@link frameFromIPC} reads all three.
   */
  compression?: 'uncompressed' | 'lz4' | 'zstd'
}

const COMPRESSIONS: ReadonlySet<unknown> = new Set(['uncompressed', 'lz4', 'zstd'])

/** "ARROW1": the magic at the start (and end) of the Arrow IPC file format (Feather v2). */
const FILE_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31] as const

/**
 * Serialize a nodejs-polars DataFrame to Arrow IPC bytes (the IPC file format, Feather v2), so a chunk can be
 * posted to a worker thread or written out and rebuilt with {@link frameFromIPC}. Column names, order and
 * dtypes (including nulls, dates, datetimes with their unit and time zone) survive the round trip, as does an
 * empty frame's schema. (No Streamz counterpart: Streamz hands pandas chunks to Dask workers by pickling.)
 *
 * The result owns its whole `ArrayBuffer` (`byteOffset === 0`, nothing else shares it, never a slice of
 * Node's pooled buffer), so `bytes.buffer` can go in a `postMessage` transfer list: the chunk then moves to
 * the other thread without a copy. Throws a `TypeError` naming the argument when `df` is not a DataFrame or
 * an option is invalid.
 *
 * @param df - a nodejs-polars DataFrame
 * @param options - `compression` of the IPC body (default `'uncompressed'`)
 * @returns the Arrow IPC bytes, in a buffer of their own
 * @example
 * import pl from 'nodejs-polars'
 * import { Worker } from 'node:worker_threads'
 * import { frameToIPC } from 'streamz-ts/frame'
 * const bytes = frameToIPC(pl.DataFrame({ id: [1, 2, 3], name: ['a', 'b', 'c'] }))
 * const worker = new Worker(new URL('./task.js', import.meta.url))
 * worker.postMessage(bytes, [bytes.buffer]) // moved, not copied: `bytes` is now detached here
 */
export function frameToIPC(df: pl.DataFrame, options: FrameToIPCOptions = {}): Uint8Array<ArrayBuffer> {
  if (!pl.DataFrame.isDataFrame(df)) {
    throw new TypeError(`frameToIPC: df must be a nodejs-polars DataFrame, got ${show(df)}`)
  }
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`frameToIPC: options must be an options object, got ${show(options)}`)
  }
  const { compression = 'uncompressed' } = options
  if (!COMPRESSIONS.has(compression)) {
    throw new TypeError(`frameToIPC: compression must be 'uncompressed', 'lz4' or 'zstd', got ${show(compression)}`)
  }
  const buf = df.writeIPC({ compression })
  // writeIPC concatenates the writer's chunks with Buffer.concat, which takes small results (under 4 KiB)
  // from Node's shared pool: transferring that ArrayBuffer would detach unrelated Buffers, and posting it
  // would copy the whole 8 KiB pool. Copy those into a buffer of their own; a large result is already alone.
  const whole = buf.buffer
  return whole instanceof ArrayBuffer && buf.byteOffset === 0 && whole.byteLength === buf.byteLength
    ? new Uint8Array(whole, 0, buf.byteLength)
    : new Uint8Array(buf)
}

/**
 * Rebuild a nodejs-polars DataFrame from Arrow IPC bytes, such as those made by {@link frameToIPC} and
 * received from another thread. Reads the IPC file format (Feather v2) and the IPC stream format, with or
 * without lz4/zstd compression; the frame owns its data, so the bytes may be reused or dropped afterwards.
 *
 * Throws a `TypeError` naming the argument when `bytes` is not a Uint8Array or ArrayBuffer, or is a detached
 * (already transferred) ArrayBuffer, and an `Error` naming `bytes` (with the reader's error as `cause`) when
 * the bytes are not readable Arrow IPC data.
 *
 * @param bytes - Arrow IPC bytes: a Uint8Array (a Buffer is one) or a whole ArrayBuffer
 * @returns the DataFrame, with the schema it was written with
 * @example
 * import pl from 'nodejs-polars'
 * import { parentPort } from 'node:worker_threads'
 * import { frameFromIPC, frameToIPC } from 'streamz-ts/frame'
 * // in a worker: rebuild the chunk, compute, send the result back without a copy
 * parentPort?.on('message', (bytes: Uint8Array) => {
 *   const df = frameFromIPC(bytes)
 *   const out = frameToIPC(df.withColumns(pl.col('id').mul(2).alias('double')))
 *   parentPort?.postMessage(out, [out.buffer])
 * })
 */
export function frameFromIPC(bytes: Uint8Array | ArrayBuffer): pl.DataFrame {
  const isView = bytes instanceof Uint8Array
  if (!isView && !(bytes instanceof ArrayBuffer)) {
    throw new TypeError(`frameFromIPC: bytes must be a Uint8Array or an ArrayBuffer, got ${show(bytes)}`)
  }
  // `detached` is ES2024 (Node 20+); TypeScript's ES2023 lib does not declare it
  if (((isView ? bytes.buffer : bytes) as { detached?: boolean }).detached === true) {
    throw new TypeError('frameFromIPC: bytes must be readable, got a detached ArrayBuffer (was it transferred away?)')
  }
  const buf = isView ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Buffer.from(bytes) // views: no copy
  const isFile = buf.length >= 12 && FILE_MAGIC.every((b, i) => buf[i] === b)
  const isStream = buf.length >= 8 && buf.readUInt32LE(0) === 0xffffffff
  if (!isFile && !isStream) {
    throw new Error(
      `frameFromIPC: bytes must be Arrow IPC data (file or stream format), got ${describe(buf)} without an Arrow header`,
    )
  }
  try {
    return isFile ? pl.readIPC(buf) : pl.readIPCStream(buf)
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    const format = isFile ? 'file' : 'stream'
    throw new Error(`frameFromIPC: bytes could not be read as Arrow IPC ${format} data (${describe(buf)}): ${reason}`, {
      cause,
    })
  }
}

function describe(buf: Buffer): string {
  const head = buf
    .subarray(0, 8)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ')
  return `${buf.length} byte${buf.length === 1 ? '' : 's'}${buf.length > 0 ? ` starting ${head}` : ''}`
}
