import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipe, map, sinkToTextfile } from '../../src/index.js'

export async function run() {
  const dir = await mkdtemp(join(tmpdir(), 'streamz-out-'))
  const path = join(dir, 'out.txt')
  try {
    await pipe(
      [1, 2, 3],
      map((x: number) => x * 10),
      sinkToTextfile(path, { mode: 'w' }),
    )
    return await readFile(path, 'utf8')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export const expected = '10\n20\n30\n'
