import { pipe, merge, map, toArray } from '../../src/index.js'

async function* ticks(name: string, n: number) {
  for (let i = 1; i <= n; i++) yield `${name}${i}`
}

export async function run() {
  // merge interleaves its sources in arrival order and ends when all of them have ended
  const all = await pipe(
    merge(ticks('a', 2), ticks('b', 3)),
    map((s: string) => s.toUpperCase()),
    toArray(),
  )
  return all.sort()
}

export const expected = ['A1', 'A2', 'B1', 'B2', 'B3']
