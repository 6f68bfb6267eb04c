import { pipe, pushable, map, toArray } from '../../src/index.js'

export async function run() {
  // with highWaterMark: n, emit resolves at once while at most n items are waiting
  const source = pushable<number>({ highWaterMark: 2 })
  const resolved: number[] = []
  const emits = [1, 2, 3].map((x) => source.emit(x).then(() => resolved.push(x)))
  await new Promise((r) => setImmediate(r))
  const beforeStart = { resolved: [...resolved], waiting: source.length }

  // once a pipeline takes items, the held-back emit resolves too
  const done = pipe(
    source,
    map((x: number) => x * 10),
    toArray(),
  )
  source.end()
  await Promise.all(emits)
  return { beforeStart, out: await done, resolved }
}

export const expected = {
  beforeStart: { resolved: [1, 2], waiting: 3 },
  out: [10, 20, 30],
  resolved: [1, 2, 3],
}
