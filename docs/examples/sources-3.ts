import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipe, fromTextfile, map, filter, toArray } from '../../src/index.js'

export async function run() {
  const dir = await mkdtemp(join(tmpdir(), 'streamz-text-'))
  const path = join(dir, 'app.log')
  try {
    await writeFile(path, 'INFO start\nERROR disk full\nINFO retry\nERROR disk still full\n')
    // lines keep their '\n' by default, as in Streamz; keepDelimiter: false strips it
    return await pipe(
      fromTextfile(path, { keepDelimiter: false }),
      filter((line: string) => line.startsWith('ERROR')),
      map((line: string) => line.slice('ERROR '.length)),
      toArray(),
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export const expected = ['disk full', 'disk still full']
