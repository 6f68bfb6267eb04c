import { test } from 'node:test'
import assert from 'node:assert/strict'
import pl from 'nodejs-polars'
import type { StreamingFrame } from '../../src/frame/frame.js'
import { frameOf as frameOver } from './frame-helpers.js'
import { aggregateFrame, type Aggregation } from '../../src/frame/aggregate.js'

const example = pl.DataFrame([pl.Series('x', [], pl.Float64)])
const frameOf = (chunks: pl.DataFrame[]): StreamingFrame => frameOver(chunks, example)
const chunks = [[1, 2], [], [3, 4, 5]].map((x) => pl.DataFrame([pl.Series('x', x, pl.Float64)]))

// a running max and count, with the state kept in a mutable object (updated in place)
const maxCount: Aggregation<{ max: number; n: number }> = {
  initial: () => ({ max: -Infinity, n: 0 }),
  onNew: (s, rows) => {
    s.n += rows.height
    if (rows.height > 0) s.max = Math.max(s.max, rows.getColumn('x').max())
    return [s, pl.DataFrame({ max: [s.n === 0 ? null : s.max], n: [s.n] })]
  },
}

test('sdf.aggregate runs initial once and onNew per chunk (empty chunks too), never onOld', async () => {
  let olds = 0
  const agg: Aggregation<{ max: number; n: number }> = { ...maxCount, onOld: (s) => (olds++, [s, example]) }
  const sdf = frameOf(chunks).aggregate(agg)
  assert.deepEqual(sdf.example.columns, ['max', 'n'])
  assert.equal(sdf.example.height, 0)
  const got: unknown[] = []
  for await (const df of sdf.stream) got.push(df.toRecords())
  assert.deepEqual(got, [[{ max: 2, n: 2 }], [{ max: 2, n: 2 }], [{ max: 5, n: 5 }]])
  assert.equal(olds, 0)
})

test('each iteration of the result starts from a fresh initial state', async () => {
  const sdf = aggregateFrame(frameOf(chunks), maxCount)
  for (let round = 0; round < 2; round++) {
    const got: unknown[] = []
    for await (const df of sdf.stream) got.push(df.getColumn('n').toArray())
    assert.deepEqual(got, [[2], [2], [5]])
  }
})

test('a result that is not [state, DataFrame] ends the stream with a TypeError', async () => {
  const bad = { initial: () => 0, onNew: (s: number, rows: pl.DataFrame) => (rows.height > 2 ? s : [s, rows]) }
  const sdf = frameOf(chunks).aggregate(bad as unknown as Aggregation<number>)
  await assert.rejects(async () => {
    for await (const _ of sdf.stream);
  }, /aggregate: agg\.onNew's return must be \[state, DataFrame\], got 0/)
})

test('argument errors name the argument', () => {
  const sdf = frameOf(chunks)
  assert.throws(() => sdf.aggregate(null as never), /aggregate: agg must be an aggregation object, got null/)
  assert.throws(() => sdf.aggregate({ initial: () => 0 } as never), /aggregate: agg\.onNew must be a function/)
  assert.throws(() => sdf.window({ n: 2 }).aggregate(maxCount), /window\.aggregate: agg\.onOld must be a function/)
  assert.throws(() => sdf.rolling(2).aggregate(maxCount), /rolling\.aggregate: agg\.onOld must be a function/)
})
