import { test } from 'node:test'
import assert from 'node:assert/strict'
import pl from 'nodejs-polars'
import { partition, pipe } from '../../src/index.js'
import { toBatch } from '../../src/frame/index.js'
import { records } from './frame-helpers.js'

interface Rec {
  name: string
  x: number
}
const batches: Rec[][] = [
  [
    { name: 'Alice', x: 1 },
    { name: 'Bob', x: 2 },
  ],
  [{ name: 'Alice', x: 3 }],
  [],
]

const all = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

test('map, filter and pluck work per element and keep the batching (empty batches stay)', async () => {
  assert.deepEqual(await all(toBatch(batches).map((r) => r.x * 10)), [[10, 20], [30], []])
  assert.deepEqual(await all(toBatch(batches).filter((r) => r.name === 'Alice')), [
    [{ name: 'Alice', x: 1 }],
    [{ name: 'Alice', x: 3 }],
    [],
  ])
  assert.deepEqual(await all(toBatch(batches).pluck('name')), [['Alice', 'Bob'], ['Alice'], []])
  assert.deepEqual(await all(toBatch(batches).pluck(['x', 'name'])), [
    [
      [1, 'Alice'],
      [2, 'Bob'],
    ],
    [[3, 'Alice']],
    [],
  ])
})

test('sum emits the running total per batch (Streamz Batch.sum)', async () => {
  assert.deepEqual(await all(toBatch(batches).pluck('x').sum()), [3, 6, 6])
  await assert.rejects(
    all(toBatch([['a']] as unknown as number[][]).sum()),
    /Batch\.sum: elements must be numbers, got "a"/,
  )
})

test('toStream flattens back to single elements', async () => {
  assert.deepEqual(await all(toBatch(batches).toStream()), batches.flat())
})

test('JSON lines 100 at a time: partition, parse per batch, then frames', async () => {
  const lines = Array.from({ length: 230 }, (_, i) => JSON.stringify({ name: i % 3 === 0 ? 'Alice' : 'Bob', x: i }))
  const example = pl.DataFrame({ name: [], x: [] }, { schema: { name: pl.String, x: pl.Float64 } })
  const sdf = toBatch(pipe(lines, partition(100)))
    .map((line) => JSON.parse(line) as Rec)
    .filter((r) => r.name === 'Alice')
    .toFrame({ example })
  const out = await records(sdf.select('x').count())
  assert.deepEqual(
    out.map((c) => c[0]?.x),
    [34, 67, 77],
  )
})

test('bad arguments throw naming them', async () => {
  assert.throws(() => toBatch(3 as never), /toBatch: stream must be an AsyncIterable or Iterable, got 3/)
  assert.throws(() => toBatch(batches).map('x' as never), /Batch\.map: fn must be a function, got "x"/)
  assert.throws(() => toBatch(batches).filter(null as never), /Batch\.filter: predicate must be a function, got null/)
  assert.throws(() => toBatch(batches).pluck({} as never), /Batch\.pluck: key must be a property name/)
  await assert.rejects(all(toBatch([[1], 2] as never)), /toBatch: element 1 must be an array, got 2/)
})
