import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

// `npm start` must keep working: run the demo briefly, as a user would, and check that it printed
// running means, stopped by itself with code 0 and removed its folder. (Real time, about 1 s.)
const root = fileURLToPath(new URL('../..', import.meta.url))

test(
  'the npm start demo prints running means (plain and by name with frames), exits 0 and cleans up',
  { timeout: 30_000 },
  async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'examples/demo.ts', '--duration', '1s', '--interval', '50ms'],
      { cwd: root },
    )
    const dir = /into (\S+), for/.exec(stdout)?.[1]
    assert.ok(dir !== undefined, `no folder announced in:\n${stdout}`)
    assert.match(stdout, /batch-0001\.csv {2}running mean \d+\.\d\d over \d+ rows in 1 files/)
    assert.match(stdout, /FRAME {2}mean amount by name: [a-z]+ \d+\.\d\d/)
    assert.match(stdout, /done: \d+ files written/)
    assert.equal(existsSync(dir), false, `${dir} was not removed`)
  },
)
