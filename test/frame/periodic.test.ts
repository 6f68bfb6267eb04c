import { test } from 'node:test'
import assert from 'node:assert/strict'
import pl from 'nodejs-polars'
import { FakeClock } from '../../src/internal/clock.js'
import { periodicFrame, randomFrame } from '../../src/frame/index.js'
import { dtypes } from './frame-helpers.js'
import { within } from '../helpers.js'

const T0 = Date.UTC(2026, 0, 1)

test('periodicFrame calls fn every interval with { last, now } and emits its chunks', async () => {
  const clock = new FakeClock(T0)
  const calls: [number, number][] = []
  const sdf = periodicFrame(
    ({ last, now }) => {
      calls.push([last.getTime() - T0, now.getTime() - T0])
      return pl.DataFrame({ span: [now.getTime() - last.getTime()] })
    },
    '300ms',
    { clock },
  )
  // called once at construction (last = now) to learn the schema, as Streamz does
  assert.deepEqual(calls, [[0, 0]])
  assert.deepEqual(dtypes(sdf.example), { span: 'Float64' })
  calls.length = 0
  const it = sdf.stream[Symbol.asyncIterator]()
  const first = it.next()
  await clock.advance(299)
  assert.deepEqual(calls, [])
  await clock.advance(1)
  assert.deepEqual(((await within(first, 'first chunk')).value as pl.DataFrame).toRecords(), [{ span: 300 }])
  const second = it.next()
  await clock.advance(300)
  assert.deepEqual(((await within(second, 'second chunk')).value as pl.DataFrame).toRecords(), [{ span: 300 }])
  assert.deepEqual(calls, [
    [0, 300],
    [300, 600],
  ])
  await it.return?.()
  assert.equal(clock.pending, 0)
})

test('periodicFrame: an aborted signal rejects the pending next() and cancels the timer', async () => {
  const clock = new FakeClock(T0)
  const ac = new AbortController()
  const sdf = periodicFrame(() => pl.DataFrame({ v: [1] }), 1000, { clock, signal: ac.signal })
  const it = sdf.stream[Symbol.asyncIterator]()
  const p = it.next()
  await clock.flush()
  assert.equal(clock.pending, 1)
  ac.abort(new Error('enough'))
  await assert.rejects(within(p, 'aborted next'), /enough/)
  assert.equal(clock.pending, 0)
})

test('periodicFrame: break stops it; an async fn needs an example; chunks are checked', async () => {
  const clock = new FakeClock(T0)
  const example = pl.DataFrame({ v: [] }, { schema: { v: pl.Float64 } })
  let n = 0
  const sdf = periodicFrame(async () => pl.DataFrame({ v: [++n] }), 10, { clock, example })
  const done = (async () => {
    for await (const df of sdf.stream) if (df.toRecords()[0]?.v === 2) break
  })()
  await clock.advance(10)
  await clock.advance(10)
  await within(done, 'break')
  assert.equal(clock.pending, 0)
  assert.throws(
    () => periodicFrame(async () => example, 10),
    /periodicFrame: fn must be a function returning a DataFrame \(an async one needs options\.example\)/,
  )
  const wrong = periodicFrame(() => pl.DataFrame({ v: ['x'] }), 10, { clock, example })
  const rejected = assert.rejects(
    within(wrong.stream[Symbol.asyncIterator]().next(), 'bad chunk'),
    /column "v" is String, expected Float64/,
  )
  await clock.advance(10)
  await rejected
})

test('periodicFrame: bad arguments throw naming them', () => {
  assert.throws(() => periodicFrame(3 as never, 10), /periodicFrame: fn must be a function, got 3/)
  assert.throws(() => periodicFrame(() => pl.DataFrame({}), 'soon'), /periodicFrame: interval must be a duration/)
  assert.throws(
    () => periodicFrame(() => pl.DataFrame({}), 0),
    /periodicFrame: interval must be a positive duration, got 0/,
  )
  assert.throws(
    () => periodicFrame(() => pl.DataFrame({}), 10, { signal: 1 as never }),
    /periodicFrame: signal must be an AbortSignal/,
  )
})

test('randomFrame emits one row per freq since the last chunk, with time, x, y, z', async () => {
  const clock = new FakeClock(T0)
  const sdf = randomFrame({ freq: '100ms', interval: '500ms', seed: 42, clock })
  assert.deepEqual(dtypes(sdf.example), {
    time: 'Datetime(ms,)',
    x: 'Float64',
    y: 'Int64',
    z: 'Float64',
  })
  const it = sdf.stream[Symbol.asyncIterator]()
  const p1 = it.next()
  await clock.advance(500)
  const c1 = (await within(p1, 'first random chunk')).value as pl.DataFrame
  assert.deepEqual(
    (c1.getColumn('time').toArray() as unknown as Date[]).map((d) => d.getTime() - T0),
    [100, 200, 300, 400, 500],
  )
  const p2 = it.next()
  await clock.advance(500)
  const c2 = (await within(p2, 'second random chunk')).value as pl.DataFrame
  assert.deepEqual(
    (c2.getColumn('time').toArray() as unknown as Date[]).map((d) => d.getTime() - T0),
    [600, 700, 800, 900, 1000],
  )
  for (const v of c1.getColumn('x').toArray() as number[]) assert.ok(v >= 0 && v < 1)
  for (const v of c1.getColumn('y').toArray() as number[]) assert.ok(Number.isInteger(v) && v >= 0)
  await it.return?.()
  assert.equal(clock.pending, 0)
})

test('randomFrame: the same seed gives the same values; the distributions look right', async () => {
  const take = async (seed: number, chunks: number) => {
    const clock = new FakeClock(T0)
    const it = randomFrame({ freq: 1, interval: 1000, seed, clock }).stream[Symbol.asyncIterator]()
    const out: pl.DataFrame[] = []
    for (let i = 0; i < chunks; i++) {
      const p = it.next()
      await clock.advance(1000)
      out.push((await within(p, 'random chunk')).value as pl.DataFrame)
    }
    await it.return?.()
    return pl.concat(out)
  }
  const a = await take(7, 5)
  const b = await take(7, 1)
  assert.deepEqual(a.head(1000).toRecords(), b.toRecords())
  assert.equal(a.height, 5000)
  const mean = (c: string) => a.getColumn(c).mean()
  assert.ok(Math.abs(mean('x') - 0.5) < 0.02, `x mean ${mean('x')}`)
  assert.ok(Math.abs(mean('y') - 1) < 0.05, `y mean ${mean('y')}`)
  assert.ok(Math.abs(mean('z')) < 0.05, `z mean ${mean('z')}`)
  assert.ok(Math.abs((a.select(pl.col('z').std()).toRecords()[0]?.z as number) - 1) < 0.05)
})

test('randomFrame: bad options throw naming them', () => {
  assert.throws(() => randomFrame({ freq: 0 }), /randomFrame: options\.freq must be a positive duration, got 0/)
  assert.throws(
    () => randomFrame({ seed: 'x' as never }),
    /randomFrame: options\.seed must be a finite number, got "x"/,
  )
  assert.throws(() => randomFrame({ interval: -1 }), /periodicFrame: interval must be a non-negative duration/)
})
