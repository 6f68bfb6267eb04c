import { test } from 'node:test'
import assert from 'node:assert/strict'
import pl from 'nodejs-polars'
import { map, partition, pipe } from '../../src/index.js'
import { FrameSchemaError, toFrame } from '../../src/frame/index.js'
import { dtypes, records } from './frame-helpers.js'

const schema = { name: pl.String, amount: pl.Float64, n: pl.Int64 }
const example = pl.DataFrame({ name: [], amount: [], n: [] }, { schema })
const good = (amount: number) => pl.DataFrame({ name: ['a'], amount: [amount], n: [1] }, { schema })

test('a stream of DataFrames passes through; .stream and the frame itself iterate the chunks', async () => {
  const sdf = toFrame([good(1), good(2)], { example })
  assert.deepEqual(await records(sdf), [[{ name: 'a', amount: 1, n: 1 }], [{ name: 'a', amount: 2, n: 1 }]])
  const seen: number[] = []
  for await (const df of sdf) seen.push(df.height)
  assert.deepEqual(seen, [1, 1])
  assert.deepEqual(dtypes(sdf.example), { name: 'String', amount: 'Float64', n: 'Int64' })
})

test('columns in another order are put in the example order (no value changes)', async () => {
  const chunk = pl.DataFrame(
    { n: [5], amount: [2.5], name: ['b'] },
    { schema: { n: pl.Int64, amount: pl.Float64, name: pl.String } },
  )
  const [out] = await records(toFrame([chunk], { example }))
  assert.deepEqual(out, [{ name: 'b', amount: 2.5, n: 5 }])
})

test('a dtype mismatch is an error naming the column and both dtypes, and stops the stream by default', async () => {
  const bad = pl.DataFrame(
    { name: ['a'], amount: ['12.5'], n: [1] },
    { schema: { name: pl.String, amount: pl.String, n: pl.Int64 } },
  )
  const it = toFrame([good(1), bad, good(3)], { example })[Symbol.asyncIterator]()
  assert.equal(((await it.next()).value as pl.DataFrame).height, 1)
  await assert.rejects(it.next(), (err: unknown) => {
    assert.ok(err instanceof FrameSchemaError)
    assert.ok(err instanceof TypeError)
    assert.equal(
      err.message,
      'toFrame: chunk 1 does not match the example: column "amount" is String, expected Float64',
    )
    assert.equal(err.column, 'amount')
    assert.equal(err.expected, 'Float64')
    assert.equal(err.actual, 'String')
    assert.equal(err.chunk, 1)
    return true
  })
})

test('no silent coercion: Int64 where the example says Float64 is an error for DataFrame chunks', async () => {
  const ints = pl.DataFrame(
    { name: ['a'], amount: [3], n: [1] },
    { schema: { name: pl.String, amount: pl.Int64, n: pl.Int64 } },
  )
  await assert.rejects(records(toFrame([ints], { example })), /column "amount" is Int64, expected Float64/)
})

test('missing and extra columns are named', async () => {
  const chunk = pl.DataFrame({ name: ['a'], extra: [true] }, { schema: { name: pl.String, extra: pl.Bool } })
  await assert.rejects(records(toFrame([chunk], { example })), (err: unknown) => {
    assert.ok(err instanceof FrameSchemaError)
    assert.equal(
      err.message,
      'toFrame: chunk 0 does not match the example: column "amount" is missing; missing columns: amount, n; extra columns: extra',
    )
    assert.deepEqual(err.missing, ['amount', 'n'])
    assert.deepEqual(err.extra, ['extra'])
    assert.equal(err.actual, 'missing')
    return true
  })
})

test("onError: 'skip' drops bad chunks and goes on; a function also receives each error", async () => {
  const bad = pl.DataFrame({ name: [1] }, { schema: { name: pl.Int64 } })
  assert.deepEqual(
    (await records(toFrame([good(1), bad, good(3)], { example, onError: 'skip' }))).map((c) => c[0]?.amount),
    [1, 3],
  )
  const errors: FrameSchemaError[] = []
  const out = await records(toFrame([bad, good(2), bad], { example, onError: (e) => errors.push(e) }))
  assert.deepEqual(
    out.map((c) => c[0]?.amount),
    [2],
  )
  assert.deepEqual(
    errors.map((e) => [e.chunk, e.column]),
    [
      [0, 'name'],
      [2, 'name'],
    ],
  )
  // a callback that throws ends the stream with its error
  await assert.rejects(
    records(
      toFrame([bad], {
        example,
        onError: () => {
          throw new Error('stop here')
        },
      }),
    ),
    /stop here/,
  )
})

test('arrays of records are built with the example dtypes (ints into floats, absent keys as nulls)', async () => {
  const out = toFrame(
    [
      [
        { name: 'a', amount: 1, n: 2 },
        { name: 'b', amount: 2.5 },
      ],
      [],
    ],
    { example },
  )
  const chunks: pl.DataFrame[] = []
  for await (const df of out) chunks.push(df)
  assert.deepEqual(chunks[0]?.toRecords(), [
    { name: 'a', amount: 1, n: 2 },
    { name: 'b', amount: 2.5, n: null },
  ])
  assert.deepEqual(dtypes(chunks[0]), { name: 'String', amount: 'Float64', n: 'Int64' })
  assert.equal(chunks[1]?.height, 0)
})

test('records whose values do not fit are errors, never coerced (string in a float, float in an int, extra key)', async () => {
  await assert.rejects(
    records(toFrame([[{ name: 'a', amount: 'x', n: 1 }]], { example })),
    /column "amount" is String, expected Float64/,
  )
  await assert.rejects(
    records(toFrame([[{ name: 'a', amount: 1, n: 2.5 }]], { example })),
    /column "n" is Float64, expected Int64/,
  )
  await assert.rejects(
    records(toFrame([[{ name: 'a', amount: 1, n: 2, other: 1 }]], { example })),
    /column "other" is not in the example/,
  )
  const small = pl.DataFrame({ v: [] }, { schema: { v: pl.Int8 } })
  await assert.rejects(records(toFrame([[{ v: 1000 }]], { example: small })), FrameSchemaError)
})

test('partition(n) of JSON lines goes straight into frames', async () => {
  const lines = Array.from({ length: 250 }, (_, i) => JSON.stringify({ name: i % 2 ? 'odd' : 'even', amount: i, n: i }))
  const sdf = toFrame(
    pipe(
      lines,
      map((l: string) => JSON.parse(l) as Record<string, unknown>),
      partition(100),
    ),
    { example },
  )
  const heights: number[] = []
  for await (const df of sdf) heights.push(df.height)
  assert.deepEqual(heights, [100, 100, 50])
  const [mean] = (
    await records(
      toFrame(
        pipe(
          lines,
          map((l: string) => JSON.parse(l) as Record<string, unknown>),
          partition(100),
        ),
        { example },
      )
        .groupBy('name')
        .col('amount')
        .mean(),
    )
  ).slice(-1)
  assert.deepEqual(mean, [
    { name: 'even', amount: 124 },
    { name: 'odd', amount: 125 },
  ])
})

test('bad arguments and chunks throw naming them', async () => {
  assert.throws(() => toFrame(42 as never, { example }), /toFrame: stream must be an AsyncIterable or Iterable, got 42/)
  assert.throws(
    () => toFrame([], { example: {} as never }),
    /toFrame: options\.example must be a nodejs-polars DataFrame/,
  )
  assert.throws(() => toFrame([], undefined as never), /toFrame: options must be an object, got undefined/)
  assert.throws(
    () => toFrame([], { example, onError: 'ignore' as never }),
    /toFrame: options\.onError must be 'throw', 'skip' or a function, got "ignore"/,
  )
  await assert.rejects(
    records(toFrame([7 as never], { example })),
    /toFrame: chunk 0 must be a nodejs-polars DataFrame or an array of records, got 7/,
  )
  await assert.rejects(records(toFrame([[null] as never], { example })), /toFrame: chunk 0 must hold plain records/)
})

test('stopping early closes the source', async () => {
  let closed = false
  async function* source() {
    try {
      for (;;) yield good(1)
    } finally {
      closed = true
    }
  }
  for await (const df of toFrame(source(), { example }).select('amount').sum()) {
    assert.equal(df.height, 1)
    break
  }
  assert.ok(closed)
})

/** Through toFrame, a stream of these chunks: after how many chunks the event loop turned. */
async function turnsDuring(chunks: pl.DataFrame[]): Promise<number[]> {
  const turns: number[] = []
  let seen = 0
  let done = false
  const tick = (): void => {
    if (done) return
    turns.push(seen)
    setImmediate(tick)
  }
  setImmediate(tick)
  for await (const _ of toFrame(chunks, { example: (chunks[0] as pl.DataFrame).head(0) }).stream) seen++
  done = true
  return turns.filter((n) => n > 0 && n < chunks.length)
}

test('a stream fed from memory still lets the event loop turn, so nodejs-polars can free earlier chunks', async () => {
  // chunks in an array never make the loop wait; toFrame turns it once per 100,000 rows or 256 chunks
  const big = pl.DataFrame({ x: new Float64Array(10_000) })
  assert.deepEqual(await turnsDuring(Array.from({ length: 45 }, () => big)), [9, 19, 29, 39])
  const tiny = pl.DataFrame({ x: [1] })
  assert.deepEqual(await turnsDuring(Array.from({ length: 1000 }, () => tiny)), [255, 511, 767])
})
