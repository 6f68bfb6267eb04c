import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Queue } from '../../src/internal/queue.js'

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function contents<T>(q: Queue<T>): T[] {
  return Array.from({ length: q.length }, (_, i) => q.at(i))
}

test('push and shift keep FIFO order', () => {
  const q = new Queue<string>()
  assert.equal(q.length, 0)
  q.push('a')
  q.push('b')
  q.push('c')
  assert.equal(q.length, 3)
  assert.equal(q.peek(), 'a')
  assert.equal(q.shift(), 'a')
  assert.equal(q.shift(), 'b')
  assert.equal(q.length, 1)
  assert.equal(q.peek(), 'c')
  assert.equal(q.shift(), 'c')
  assert.equal(q.length, 0)
})

test('growth keeps the order, from an empty queue and from a wrapped one', () => {
  const q = new Queue<number>()
  for (let i = 0; i < 100; i++) q.push(i)
  assert.equal(q.length, 100)
  assert.deepEqual(
    contents(q),
    Array.from({ length: 100 }, (_, i) => i),
  )
  for (let i = 0; i < 100; i++) assert.equal(q.shift(), i)

  // wrap around: the head sits near the end of the 16-slot buffer, then the queue grows
  const w = new Queue<number>()
  for (let i = 0; i < 12; i++) w.push(i)
  for (let i = 0; i < 12; i++) assert.equal(w.shift(), i)
  for (let i = 12; i < 28; i++) w.push(i) // fills all 16 slots, wrapping past the end
  assert.equal(w.length, 16)
  assert.deepEqual(
    contents(w),
    Array.from({ length: 16 }, (_, i) => 12 + i),
  )
  w.push(28) // grows from a wrapped buffer
  w.push(29)
  assert.deepEqual(
    contents(w),
    Array.from({ length: 18 }, (_, i) => 12 + i),
  )
  assert.equal(w.peek(), 12)
  for (let i = 12; i < 30; i++) assert.equal(w.shift(), i)
  assert.equal(w.length, 0)
})

test('a capacity hint rounds up to a power of two and still grows', () => {
  for (const capacity of [0, 1, 17, 100]) {
    const q = new Queue<number>(capacity)
    for (let i = 0; i < 300; i++) q.push(i)
    assert.equal(q.length, 300)
    assert.equal(q.at(299), 299)
    for (let i = 0; i < 300; i++) assert.equal(q.shift(), i)
  }
})

test('at indexes from the oldest item, across the wrap', () => {
  const q = new Queue<number>()
  for (let i = 0; i < 10; i++) q.push(i)
  for (let i = 0; i < 8; i++) q.shift()
  for (let i = 10; i < 20; i++) q.push(i) // 8..19, wrapping past slot 15
  assert.equal(q.length, 12)
  for (let i = 0; i < 12; i++) assert.equal(q.at(i), 8 + i)
})

test('clear empties the queue, drops references, and the queue stays usable', () => {
  const q = new Queue<{ n: number }>()
  for (let i = 0; i < 20; i++) q.push({ n: i })
  for (let i = 0; i < 5; i++) q.shift()
  q.clear()
  assert.equal(q.length, 0)
  // no slot still holds an item
  const buf = (q as unknown as { buf: unknown[] }).buf
  assert.ok(buf.every((x) => x === undefined))
  q.push({ n: 100 })
  q.push({ n: 101 })
  assert.equal(q.peek().n, 100)
  assert.deepEqual(contents(q), [{ n: 100 }, { n: 101 }])
  assert.deepEqual(q.shift(), { n: 100 })
  assert.deepEqual(q.shift(), { n: 101 })
  assert.equal(q.length, 0)
})

test('shift drops its reference to the item', () => {
  const q = new Queue<object>()
  q.push({})
  q.shift()
  const buf = (q as unknown as { buf: unknown[] }).buf
  assert.ok(buf.every((x) => x === undefined))
})

test('the queue matches an array model over thousands of random operations', () => {
  for (const seed of [1, 42, 2024]) {
    const rand = prng(seed)
    const q = new Queue<number>()
    const model: number[] = []
    let next = 0
    let most = 0
    for (let op = 0; op < 5000; op++) {
      const r = rand()
      // bias toward pushes in the first half and shifts in the second, so the queue
      // grows through several sizes and then drains, wrapping all along
      const pushBias = op < 2500 ? 0.6 : 0.4
      if (r < 0.001) {
        q.clear()
        model.length = 0
      } else if (r < 0.001 + pushBias || model.length === 0) {
        q.push(next)
        model.push(next)
        next++
      } else {
        assert.equal(q.peek(), model[0], `seed ${seed} op ${op}: peek`)
        assert.equal(q.shift(), model.shift(), `seed ${seed} op ${op}: shift`)
      }
      assert.equal(q.length, model.length, `seed ${seed} op ${op}: length`)
      if (model.length > 0) {
        const i = Math.floor(rand() * model.length)
        assert.equal(q.at(i), model[i], `seed ${seed} op ${op}: at(${i})`)
      }
      most = Math.max(most, model.length)
      if (op % 500 === 0) assert.deepEqual(contents(q), model, `seed ${seed} op ${op}: contents`)
    }
    assert.deepEqual(contents(q), model)
    assert.ok(most > 64, `seed ${seed}: the queue grew past 64 items (got ${most})`)
    while (model.length > 0) assert.equal(q.shift(), model.shift())
    assert.equal(q.length, 0)
  }
})
