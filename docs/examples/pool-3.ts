import { setTimeout as sleep } from 'node:timers/promises'
import { pipe } from '../../src/index.js'
import { poolMap } from '../../src/pool/index.js'

export async function run() {
  let pulled = 0
  function* numbers() {
    for (let i = 0; i < 1000; i++) {
      pulled++
      yield i
    }
  }

  const task = new URL('./tasks/inc.ts', import.meta.url)
  let taken = 0
  let mostAhead = 0
  for await (const _ of pipe(numbers(), poolMap<number, number>(task, { workers: 2, maxInFlight: 4 }))) {
    taken++
    await sleep(120) // a slow consumer: the pool has long finished what it holds
    mostAhead = Math.max(mostAhead, pulled - taken)
    if (taken === 6) break
  }
  return { taken, mostAhead, pulled }
}

export const expected = { taken: 6, mostAhead: 4, pulled: 10 }
