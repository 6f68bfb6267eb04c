import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pipe, map, filter, sink, toArray, unique, pushable, FakeClock, type Pushable } from '../../src/index.js'
import { settle } from '../helpers.js'

// Every behaviour is checked both ways a pipeline can consume a pushable: driven by a
// built-in sink (push mode) and pulled with for await (pull mode).
const consumers = {
  sink: <T>(src: AsyncIterable<T>, f: (x: T) => unknown) => pipe(src, sink(f)),
  'for await': async <T>(src: AsyncIterable<T>, f: (x: T) => unknown) => {
    for await (const x of src) await f(x)
  },
}

for (const [mode, consume] of Object.entries(consumers)) {
  test(`${mode}: emitted values flow through and end() finishes the pipeline`, async () => {
    const src = pushable<number>()
    const got: number[] = []
    const done = consume(
      pipe(
        src,
        map((x) => x * 2),
      ),
      (x) => got.push(x),
    )
    for (let i = 0; i < 5; i++) await src.emit(i)
    src.end()
    await done
    assert.deepEqual(got, [0, 2, 4, 6, 8])
    assert.equal(src.closed, true)
  })

  test(`${mode}: a fast producer is held back by a slow sink (highWaterMark 0 and 8)`, async () => {
    for (const highWaterMark of [0, 8]) {
      const clock = new FakeClock()
      const src = pushable<number>({ highWaterMark })
      let maxWaiting = 0 // sampled each time an emit resolves
      let maxSeenBySink = 0 // sampled by the sink: the one emit in flight may add one
      let count = 0
      const done = consume(src, async () => {
        maxSeenBySink = Math.max(maxSeenBySink, src.length)
        count++
        await clock.sleep(1) // the sink takes 1 (fake) ms per item
      })
      const producer = (async () => {
        for (let i = 0; i < 2000; i++) {
          await src.emit(i)
          maxWaiting = Math.max(maxWaiting, src.length)
        }
        src.end()
      })()
      let finished = false
      void producer.then(() => done).then(() => (finished = true))
      while (!finished) await clock.advance(1)
      await producer
      assert.equal(count, 2000)
      assert.ok(maxWaiting <= highWaterMark, `waiting reached ${maxWaiting} with highWaterMark ${highWaterMark}`)
      assert.ok(maxSeenBySink <= highWaterMark + 1, `the sink saw ${maxSeenBySink} waiting`)
      assert.equal(clock.now() >= 2000, true)
    }
  })

  test(`${mode}: push() does not wait and keeps order; end() delivers everything first`, async () => {
    const src = pushable<number>()
    for (let i = 0; i < 1000; i++) assert.equal(src.push(i), true)
    assert.equal(src.length, 1000)
    src.end()
    const got: number[] = []
    await consume(src, (x) => got.push(x))
    assert.equal(got.length, 1000)
    assert.deepEqual(got.slice(0, 3), [0, 1, 2])
    assert.equal(got[999], 999)
  })

  test(`${mode}: error() fails the pipeline after the items before it`, async () => {
    const src = pushable<number>()
    src.push(1)
    src.push(2)
    src.error(new Error('boom'))
    const got: number[] = []
    await assert.rejects(
      consume(src, (x) => got.push(x)),
      /boom/,
    )
    assert.deepEqual(got, [1, 2])
  })

  test(`${mode}: a consumer that stops rejects the emits it never took`, async () => {
    const src = pushable<number>()
    const stop = new Error('stop')
    const done = consume(src, (x) => {
      if (x === 2) throw stop
    })
    await src.emit(1)
    const second = src.emit(2)
    const third = src.emit(3)
    await assert.rejects(done, /stop/)
    await second // taken before the failure
    await assert.rejects(third, /not taken/)
    assert.equal(src.push(4), false)
    await assert.rejects(src.emit(5), /stopped/)
  })

  test(`${mode}: the web crawler: a feedback loop through unique visits every page once`, async () => {
    // an in-memory link graph with cycles
    const graph = new Map<string, string[]>()
    for (let i = 0; i < 200; i++)
      graph.set(`/p${i}`, [`/p${(i * 7 + 1) % 200}`, `/p${(i * 13 + 5) % 200}`, `/p${i}`, '/p0'])
    const urls = pushable<string>()
    const visits = new Map<string, number>()
    urls.push('/p0')
    const crawl = consume(
      pipe(
        urls,
        unique(),
        map((url) => {
          visits.set(url, (visits.get(url) ?? 0) + 1)
          return graph.get(url) ?? []
        }),
      ),
      (links) => {
        for (const link of links) urls.push(link)
        // the crawl is over once the queue is drained with nothing new to visit
        setImmediate(() => {
          if (urls.length === 0) urls.end()
        })
      },
    )
    await crawl
    const reachable = new Set<string>()
    const stack = ['/p0']
    while (stack.length) {
      const u = stack.pop() as string
      if (reachable.has(u)) continue
      reachable.add(u)
      stack.push(...(graph.get(u) ?? []))
    }
    assert.equal(visits.size, reachable.size)
    assert.ok(reachable.size > 100)
    for (const [url, n] of visits) assert.equal(n, 1, `${url} visited ${n} times`)
  })
}

test('emit resolves immediately while fewer than highWaterMark items wait', async () => {
  const src = pushable<number>({ highWaterMark: 2 })
  let resolved = 0
  void src.emit(1).then(() => resolved++)
  void src.emit(2).then(() => resolved++)
  const third = src.emit(3).then(() => resolved++)
  await settle()
  assert.equal(resolved, 2)
  assert.equal(src.length, 3)
  const it = src[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: 1, done: false })
  await third
  assert.equal(resolved, 3)
})

test('nothing is taken before the pipeline asks', async () => {
  const src = pushable<number>()
  const out = pipe(
    src,
    filter((x) => x > 0),
  )
  src.push(1)
  await settle()
  assert.equal(src.length, 1)
  const it = out[Symbol.asyncIterator]()
  assert.deepEqual(await it.next(), { value: 1, done: false })
  assert.equal(src.length, 0)
})

test('break closes the pushable', async () => {
  const src = pushable<number>()
  src.push(1)
  src.push(2)
  for await (const x of src) {
    assert.equal(x, 1)
    break
  }
  assert.equal(src.closed, true)
  assert.equal(src.push(3), false)
})

test('an AbortSignal stops the pipeline with its reason, both ways', async () => {
  for (const mode of ['sink', 'for await'] as const) {
    const ac = new AbortController()
    const src: Pushable<number> = pushable<number>({ signal: ac.signal })
    const got: number[] = []
    const done =
      mode === 'sink'
        ? pipe(
            src,
            sink((x) => got.push(x)),
          )
        : pipe(src, toArray())
    await src.emit(1)
    ac.abort(new Error('aborted by test'))
    await assert.rejects(done, /aborted by test/)
    assert.equal(src.closed, true)
  }
})

test('one pipeline only', () => {
  const src = pushable<number>()
  src[Symbol.asyncIterator]()
  assert.throws(() => src[Symbol.asyncIterator](), /one pipeline/)
})

test('bad options throw at construction', () => {
  assert.throws(() => pushable({ highWaterMark: -1 }), /highWaterMark must be a non-negative integer.*-1/)
  assert.throws(() => pushable({ highWaterMark: 'x' as unknown as number }), TypeError)
  assert.throws(() => pushable({ signal: {} as AbortSignal }), /signal must be an AbortSignal/)
})
