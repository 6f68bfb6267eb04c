import { pipe, toArray } from '../../src/index.js'
import { createPool, type Pool } from '../../src/pool/index.js'

const text = new URL('./tasks/text.ts', import.meta.url)
let used: Pool | undefined // kept only to look at the pool after it is closed

async function longestWords(lines: string[]) {
  await using pool = createPool({ workers: 2 })
  used = pool
  // two stages on one pool of threads, each running an export of the same module
  const longest = await pipe(
    lines,
    pool.map<string, string[]>({ module: text, name: 'words' }),
    pool.map<string[], string>({ module: text, name: 'longest' }),
    toArray(),
  )
  // single calls share the pool too
  const words = await pool.run<string, string[]>({ module: text, name: 'words' }, 'one two three')
  return { longest, words, threadsWhileOpen: pool.threads }
} // leaving the function closes the pool: queued tasks finish, then every thread ends

export async function run() {
  const result = await longestWords(['the quick brown fox', 'jumps over the lazy dog', 'streams of words'])
  return { ...result, threadsAfterClose: used?.threads }
}

export const expected = {
  longest: ['quick', 'jumps', 'streams'],
  words: ['one', 'two', 'three'],
  threadsWhileOpen: 2,
  threadsAfterClose: 0,
}
