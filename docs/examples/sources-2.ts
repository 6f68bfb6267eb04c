import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { files } from '../../src/index.js'

export async function run() {
  const dir = await mkdtemp(join(tmpdir(), 'streamz-files-'))
  try {
    await writeFile(join(dir, 'a.csv'), 'x\n1\n')
    await writeFile(join(dir, 'b.csv'), 'x\n2\n')
    const seen: string[] = []
    // files() emits what is there, then polls for new files; it never ends by itself
    for await (const path of files(join(dir, '*.csv'), { pollInterval: '20ms' })) {
      seen.push(basename(path))
      if (seen.length === 2) await writeFile(join(dir, 'c.csv'), 'x\n3\n') // arrives later
      if (seen.length === 3) break // closes the poller
    }
    return seen
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export const expected = ['a.csv', 'b.csv', 'c.csv']
