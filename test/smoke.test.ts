import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pipe, map, filter, accumulate, toArray, sink, pushable } from '../src/index.js'

test('smoke', async () => {
  assert.deepEqual(
    await pipe(
      [1, 2, 3, 4, 5, 6],
      map((x) => x * 2),
      filter((x) => x % 3 === 0),
      accumulate((a, b) => a + b),
      toArray(),
    ),
    [6, 18],
  )
  const it = pipe(
    [1, 2, 3],
    map(async (x) => x + 1),
  )
  const out: number[] = []
  for await (const x of it) out.push(x)
  assert.deepEqual(out, [2, 3, 4])
  const src = pushable<number>()
  const got: number[] = []
  const done = pipe(
    src,
    map((x) => x * 3),
    sink((x) => {
      got.push(x)
    }),
  )
  await src.emit(1)
  await src.emit(2)
  src.end()
  await done
  assert.deepEqual(got, [3, 6])
  assert.deepEqual(
    await pipe(
      [1, 2, 3, 4],
      map((x) => x * 2, { concurrency: 2 }),
      toArray(),
    ),
    [2, 4, 6, 8],
  )
})
