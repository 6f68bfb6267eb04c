import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pipe, map, toArray } from '../../src/index.js'
import { tracked, forever, settle } from '../helpers.js'

test('map applies f, sync or async, in order', async () => {
  assert.deepEqual(
    await pipe(
      [1, 2, 3],
      map((x) => x * 10),
      toArray(),
    ),
    [10, 20, 30],
  )
  assert.deepEqual(
    await pipe(
      tracked([1, 2, 3]),
      map(async (x) => `${x}`),
      toArray(),
    ),
    ['1', '2', '3'],
  )
})

test('map on an empty source emits nothing', async () => {
  assert.deepEqual(
    await pipe(
      [],
      map((x: number) => x),
      toArray(),
    ),
    [],
  )
  assert.deepEqual(
    await pipe(
      tracked<number>([]),
      map((x) => x, { concurrency: 3 }),
      toArray(),
    ),
    [],
  )
})

test('a source error arrives after the earlier values', async () => {
  for (const concurrency of [1, 3]) {
    const got: number[] = []
    const src = tracked([1, 2, 3], { failAt: 2, error: new Error('source broke') })
    await assert.rejects(async () => {
      for await (const x of pipe(
        src,
        map((x: number) => x + 1, { concurrency }),
      ))
        got.push(x)
    }, /source broke/)
    assert.deepEqual(got, [2, 3])
  }
})

test('an error from f reaches the consumer and closes the source', async () => {
  for (const concurrency of [1, 4]) {
    const src = tracked([1, 2, 3, 4, 5])
    const got: number[] = []
    await assert.rejects(async () => {
      for await (const x of pipe(
        src,
        map(
          async (x: number) => {
            if (x === 3) throw new Error('f failed on 3')
            return x
          },
          { concurrency },
        ),
      ))
        got.push(x)
    }, /f failed on 3/)
    assert.deepEqual(got, [1, 2])
    assert.equal(src.state.closed, true)
  }
})

test('with concurrency, at most that many calls run at once and order is kept', async () => {
  for (const concurrency of [2, 5]) {
    let running = 0
    let most = 0
    const gates: (() => void)[] = []
    const out = pipe(
      Array.from({ length: 30 }, (_, i) => i),
      map(
        async (x: number) => {
          running++
          most = Math.max(most, running)
          // finish in a scrambled order: later calls often finish first
          await new Promise<void>((r) => gates.push(r))
          running--
          return x * 2
        },
        { concurrency },
      ),
    )
    let finished = false
    const result = toArray<number>()(out).finally(() => (finished = true))
    while (!finished) {
      await settle()
      gates.reverse()
      for (const g of gates.splice(0)) g()
    }
    assert.deepEqual(
      await result,
      Array.from({ length: 30 }, (_, i) => i * 2),
    )
    assert.equal(most, concurrency)
  }
})

test('with concurrency, at most that many elements are taken and not yet emitted', async () => {
  const src = tracked(Array.from({ length: 100 }, (_, i) => i))
  const it = pipe(
    src,
    map(async (x: number) => x, { concurrency: 4 }),
  )[Symbol.asyncIterator]()
  assert.equal(src.state.pulled, 0) // lazy
  assert.deepEqual(await it.next(), { value: 0, done: false })
  await settle()
  assert.ok(src.state.pulled <= 5, `pulled ${src.state.pulled}`) // 4 in the window + 1 taken
  await it.return?.()
  assert.equal(src.state.closed, true)
})

test('break closes the source, also while a pull is pending', async () => {
  const src = tracked([1, 2, 3])
  for await (const x of pipe(
    src,
    map((x: number) => x),
  )) {
    assert.equal(x, 1)
    break
  }
  assert.deepEqual(src.state, { pulled: 1, closed: true })
  const stuck = forever<number>()
  const it = pipe(
    stuck,
    map((x: number) => x, { concurrency: 2 }),
  )[Symbol.asyncIterator]()
  const pending = it.next()
  await settle()
  void it.return?.()
  await settle()
  assert.equal(stuck.state.closed, true)
  assert.deepEqual(await pending, { value: undefined, done: true })
})

test('bad arguments throw at construction', () => {
  assert.throws(() => map('x' as unknown as (x: number) => number), {
    name: 'TypeError',
    message: 'map: f must be a function, got "x"',
  })
  assert.throws(() => map((x: number) => x, { concurrency: 0 }), {
    name: 'RangeError',
    message: /map: concurrency must be a positive integer or Infinity, got 0/,
  })
  assert.throws(() => map((x: number) => x, { concurrency: 1.5 }), RangeError)
  assert.throws(() => map((x: number) => x, 3 as unknown as object), /map: options must be an options object, got 3/)
})
