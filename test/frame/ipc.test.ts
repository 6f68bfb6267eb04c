import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Worker } from 'node:worker_threads'
import { once } from 'node:events'
import pl from 'nodejs-polars'
import { frameFromIPC, frameToIPC } from '../../src/frame/index.js'

/** Column names in order with their dtypes, as text: `[['a', 'Int32'], ...]`. */
function schemaOf(df: pl.DataFrame): [string, string][] {
  return Object.entries(df.schema as Record<string, pl.DataType>).map(([name, dtype]) => [
    name,
    String(dtype).replace(/^DataType\((.*)\)$/, '$1'),
  ])
}

/** A Uint8Array that owns its whole ArrayBuffer, so the buffer can be transferred on its own. */
function assertStandalone(bytes: Uint8Array): void {
  assert.ok(bytes instanceof Uint8Array)
  assert.ok(bytes.byteLength > 0)
  assert.equal(bytes.byteOffset, 0)
  assert.equal(bytes.buffer.byteLength, bytes.byteLength)
  assert.ok(bytes.buffer instanceof ArrayBuffer)
}

function roundTrip(df: pl.DataFrame): pl.DataFrame {
  const bytes = frameToIPC(df)
  assertStandalone(bytes)
  const back = frameFromIPC(bytes)
  assert.deepEqual(schemaOf(back), schemaOf(df))
  assert.equal(back.height, df.height)
  assert.ok(back.frameEqual(df, true), `frames differ:\n${String(df)}\n${String(back)}`)
  return back
}

const day = 86_400_000

/** A Date or Datetime column's values as epoch milliseconds. */
function times(series: pl.Series): (number | null)[] {
  return (series.toArray() as unknown[]).map((d) => (d === null ? null : (d as Date).getTime()))
}

function mixed(): pl.DataFrame {
  return pl.DataFrame([
    pl.Series('i8', [-128, 0, null, 127], pl.Int8),
    pl.Series('i32', [1, -2, null, 2_147_483_647], pl.Int32),
    pl.Series('i64', [1, -Number.MAX_SAFE_INTEGER, null, Number.MAX_SAFE_INTEGER], pl.Int64),
    pl.Series('u16', [0, 1, 65_535, null], pl.UInt16),
    pl.Series('f32', [1.5, -0.25, null, 3], pl.Float32),
    pl.Series('f64', [Math.PI, Number.NaN, null, -Infinity], pl.Float64),
    pl.Series('s', ['a', '', null, 'ünïcødé ✓'], pl.Utf8),
    pl.Series('b', [true, false, null, true], pl.Bool),
    pl.Series('nulls', [null, null, null, null], pl.Int16),
    pl.Series('date', [new Date(0), new Date(19_000 * day), null, new Date(-day)], pl.Date),
    pl.Series('dt_ms', [new Date(0), new Date(1_700_000_000_123), null, new Date(-1)], pl.Datetime('ms')),
    pl.Series('dt_us', [new Date(0), new Date(1_700_000_000_123), null, new Date(5)], pl.Datetime('us')),
    pl.Series('dt_ns_utc', [new Date(1), null, new Date(1_700_000_000_000), new Date(0)], pl.Datetime('ns', 'UTC')),
  ])
}

test('a round trip keeps ints, floats, strings, booleans, nulls, dates and datetimes exactly', () => {
  const df = mixed()
  assert.deepEqual(schemaOf(df), [
    ['i8', 'Int8'],
    ['i32', 'Int32'],
    ['i64', 'Int64'],
    ['u16', 'UInt16'],
    ['f32', 'Float32'],
    ['f64', 'Float64'],
    ['s', 'String'],
    ['b', 'Bool'],
    ['nulls', 'Int16'],
    ['date', 'Date'],
    ['dt_ms', 'Datetime(ms,)'],
    ['dt_us', 'Datetime(us,)'],
    ['dt_ns_utc', 'Datetime(ns,UTC)'],
  ])
  const back = roundTrip(df)
  assert.deepEqual(back.getColumn('i32').toArray(), [1, -2, null, 2_147_483_647])
  assert.deepEqual(back.getColumn('i64').toArray(), [1, -Number.MAX_SAFE_INTEGER, null, Number.MAX_SAFE_INTEGER])
  assert.deepEqual(back.getColumn('s').toArray(), ['a', '', null, 'ünïcødé ✓'])
  assert.deepEqual(back.getColumn('b').toArray(), [true, false, null, true])
  assert.deepEqual(back.getColumn('nulls').toArray(), [null, null, null, null])
  const f64 = back.getColumn('f64').toArray()
  assert.equal(f64[0], Math.PI)
  assert.ok(Number.isNaN(f64[1]))
  assert.deepEqual(f64.slice(2), [null, -Infinity])
  assert.deepEqual(times(back.getColumn('dt_ms')), [0, 1_700_000_000_123, null, -1])
  assert.deepEqual(times(back.getColumn('date')), [0, 19_000 * day, null, -day])
})

test('an empty frame keeps its schema, and a frame with no columns comes back empty', () => {
  const empty = pl.DataFrame([
    pl.Series('id', [], pl.Int64),
    pl.Series('name', [], pl.Utf8),
    pl.Series('ok', [], pl.Bool),
    pl.Series('at', [], pl.Datetime('us', 'Europe/Paris')),
  ])
  const back = roundTrip(empty)
  assert.equal(back.height, 0)
  assert.deepEqual(back.columns, ['id', 'name', 'ok', 'at'])
  assert.deepEqual(schemaOf(back)[3], ['at', 'Datetime(us,Europe/Paris)'])

  const none = frameFromIPC(frameToIPC(pl.DataFrame()))
  assert.deepEqual(none.shape, { height: 0, width: 0 })
})

test('a frame of 100,000 rows round-trips', () => {
  const n = 100_000
  const ids = Array.from({ length: n }, (_, i) => i)
  const df = pl.DataFrame({
    id: pl.Series('id', ids, pl.Int32),
    x: pl.Series(
      'x',
      ids.map((i) => (i % 7 === 0 ? null : i / 3)),
      pl.Float64,
    ),
    tag: ids.map((i) => `t${i % 100}`),
  })
  const back = roundTrip(df)
  assert.equal(back.height, n)
  assert.equal(back.getColumn('id').cast(pl.Float64).sum(), (n * (n - 1)) / 2)
  assert.equal(back.getColumn('x').nullCount(), Math.ceil(n / 7))
  assert.deepEqual(back.row(n - 1), [n - 1, (n - 1) / 3, `t${(n - 1) % 100}`])
})

test('small results are not slices of the shared Buffer pool: transferring them leaves other Buffers alone', () => {
  const neighbour = Buffer.from('neighbour') // comes from Node's pool, as small writeIPC results do
  assert.notEqual(neighbour.buffer.byteLength, neighbour.byteLength)
  const df = pl.DataFrame({ a: [1, 2, 3] })
  const bytes = frameToIPC(df)
  assert.ok(bytes.byteLength < 4096, `expected a small result, got ${bytes.byteLength} bytes`)
  assertStandalone(bytes)
  const moved = structuredClone(bytes, { transfer: [bytes.buffer] })
  assert.equal(bytes.byteLength, 0) // detached
  assert.equal(neighbour.toString(), 'neighbour')
  assert.deepEqual(frameFromIPC(moved).getColumn('a').toArray(), [1, 2, 3])
})

test('compression: lz4 and zstd round-trip, and are read without being told', () => {
  const df = pl.DataFrame({ s: Array.from({ length: 5000 }, () => 'repeated text'), n: Array(5000).fill(7) })
  const plain = frameToIPC(df)
  assert.deepEqual(plain, frameToIPC(df, { compression: 'uncompressed' }))
  for (const compression of ['lz4', 'zstd'] as const) {
    const bytes = frameToIPC(df, { compression })
    assertStandalone(bytes)
    assert.ok(bytes.byteLength < plain.byteLength / 4, `${compression}: ${bytes.byteLength} vs ${plain.byteLength}`)
    const back = frameFromIPC(bytes)
    assert.deepEqual(schemaOf(back), schemaOf(df))
    assert.ok(back.frameEqual(df))
  }
})

test('frameFromIPC takes a Buffer, a Uint8Array at an offset, an ArrayBuffer, and the IPC stream format', () => {
  const df = pl.DataFrame({ a: [1, null, 3], s: ['x', 'y', null] })
  const bytes = frameToIPC(df)
  const ab = bytes.buffer.slice(0)
  assert.ok(frameFromIPC(ab).frameEqual(df, true))
  assert.ok(frameFromIPC(Buffer.from(bytes)).frameEqual(df, true))

  const padded = new Uint8Array(bytes.byteLength + 24).fill(0xee)
  padded.set(bytes, 16)
  assert.ok(frameFromIPC(padded.subarray(16, 16 + bytes.byteLength)).frameEqual(df, true))

  const stream = df.writeIPCStream()
  assert.ok(frameFromIPC(stream).frameEqual(df, true))
  assert.ok(frameFromIPC(df.writeIPCStream({ compression: 'zstd' })).frameEqual(df, true))
})

test('the rebuilt frame owns its data: the bytes can be overwritten afterwards', () => {
  const df = pl.DataFrame({ a: [10, 20, 30], s: ['p', 'q', 'r'] })
  const bytes = frameToIPC(df)
  const back = frameFromIPC(bytes)
  bytes.fill(0)
  assert.deepEqual(back.toRecords(), [
    { a: 10, s: 'p' },
    { a: 20, s: 'q' },
    { a: 30, s: 'r' },
  ])
})

test('frameToIPC: bad arguments throw a TypeError naming the argument', () => {
  const df = pl.DataFrame({ a: [1] })
  const bad: unknown[] = [undefined, null, {}, [1, 2], 'df', df.getColumn('a'), df.lazy(), frameToIPC(df)]
  for (const value of bad) {
    assert.throws(() => frameToIPC(value as pl.DataFrame), {
      name: 'TypeError',
      message: /^frameToIPC: df must be a nodejs-polars DataFrame, got /,
    })
  }
  assert.throws(() => frameToIPC({ a: [1] } as unknown as pl.DataFrame), {
    message: 'frameToIPC: df must be a nodejs-polars DataFrame, got [object Object]',
  })
  assert.throws(() => frameToIPC(df, { compression: 'gzip' as 'lz4' }), {
    name: 'TypeError',
    message: `frameToIPC: compression must be 'uncompressed', 'lz4' or 'zstd', got "gzip"`,
  })
  assert.throws(() => frameToIPC(df, null as unknown as object), {
    name: 'TypeError',
    message: 'frameToIPC: options must be an options object, got null',
  })
})

test('frameFromIPC: a value that is not bytes throws a TypeError naming the argument', () => {
  const bad: unknown[] = [undefined, null, 'ARROW1', [65, 82], new Int16Array(8), new DataView(new ArrayBuffer(8)), {}]
  for (const value of bad) {
    assert.throws(() => frameFromIPC(value as Uint8Array), {
      name: 'TypeError',
      message: /^frameFromIPC: bytes must be a Uint8Array or an ArrayBuffer, got /,
    })
  }
  const bytes = frameToIPC(pl.DataFrame({ a: [1] }))
  structuredClone(bytes, { transfer: [bytes.buffer] })
  for (const value of [bytes, bytes.buffer]) {
    assert.throws(() => frameFromIPC(value), {
      name: 'TypeError',
      message: 'frameFromIPC: bytes must be readable, got a detached ArrayBuffer (was it transferred away?)',
    })
  }
})

test('frameFromIPC: bytes that are not Arrow IPC give an error naming bytes', () => {
  assert.throws(() => frameFromIPC(Buffer.from('hello world, not arrow')), {
    name: 'Error',
    message:
      'frameFromIPC: bytes must be Arrow IPC data (file or stream format), got 22 bytes starting 68 65 6c 6c 6f 20 77 6f without an Arrow header',
  })
  assert.throws(() => frameFromIPC(new Uint8Array(0)), {
    message: 'frameFromIPC: bytes must be Arrow IPC data (file or stream format), got 0 bytes without an Arrow header',
  })

  // right header, broken body: the reader's own error is kept as the cause
  const good = frameToIPC(pl.DataFrame({ a: [1, 2, 3] }))
  const truncated = good.subarray(0, good.byteLength - 16)
  assert.throws(
    () => frameFromIPC(truncated),
    (err: unknown) => {
      assert.ok(err instanceof Error)
      assert.match(
        err.message,
        new RegExp(
          `^frameFromIPC: bytes could not be read as Arrow IPC file data \\(${truncated.byteLength} bytes starting 41 52 52 4f 57 31 00 00\\): .+`,
        ),
      )
      assert.ok(err.cause instanceof Error)
      return true
    },
  )
  const garbage = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8])
  assert.throws(() => frameFromIPC(garbage), {
    message: /^frameFromIPC: bytes could not be read as Arrow IPC stream data \(16 bytes/,
  })
})

test('bytes cross a worker_threads boundary with a transferList and the worker sends a result back', async () => {
  const df = pl.DataFrame({
    k: pl.Series('k', ['b', 'a', 'b', 'c', 'a', 'b'], pl.Utf8),
    v: pl.Series('v', [1, 2, 3, 4, 5, null], pl.Int64),
  })
  // the fixture rebuilds the frame, sums v by k and sends the result back as IPC bytes (transferred too)
  const worker = new Worker(new URL('./ipc-worker.ts', import.meta.url))
  try {
    const bytes = frameToIPC(df)
    const size = bytes.byteLength
    const reply = once(worker, 'message') // rejects if the worker fails
    worker.postMessage(bytes, [bytes.buffer])
    // moved, not copied: the sender's view and buffer are detached
    assert.equal(bytes.byteLength, 0)
    assert.equal(bytes.buffer.byteLength, 0)

    const [msg] = (await reply) as [{ received: number; isUint8Array: boolean; out: Uint8Array }]
    assert.equal(msg.received, size)
    assert.equal(msg.isUint8Array, true)
    assert.ok(msg.out instanceof Uint8Array)
    const result = frameFromIPC(msg.out)
    assert.deepEqual(schemaOf(result), [
      ['k', 'String'],
      ['v', 'Int64'],
    ])
    assert.deepEqual(result.toRecords(), [
      { k: 'a', v: 7 },
      { k: 'b', v: 4 },
      { k: 'c', v: 4 },
    ])
  } finally {
    await worker.terminate()
  }
})
