import { pipe, toArray } from '../../src/index.js'
import { poolMap } from '../../src/pool/index.js'

interface Job {
  id: string
  ms: number
}

export async function run() {
  const wait = new URL('./tasks/wait.ts', import.meta.url)
  const jobs: Job[] = [
    { id: 'slow', ms: 1000 },
    { id: 'a', ms: 0 },
    { id: 'b', ms: 0 },
    { id: 'c', ms: 0 },
  ]
  // one worker holds the slow job while the other one runs a, b and c
  const inOrder = await pipe(jobs, poolMap<Job, string>(wait, { workers: 2 }), toArray())
  const asDone = await pipe(jobs, poolMap<Job, string>(wait, { workers: 2, ordered: false }), toArray())
  return { inOrder, asDone }
}

export const expected = {
  inOrder: ['slow', 'a', 'b', 'c'],
  asDone: ['a', 'b', 'c', 'slow'],
}
