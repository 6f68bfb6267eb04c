/** Helpers shared by the pool tests. */
import assert from 'node:assert/strict'
import { threadStats } from '../../src/pool/core.js'

/** Task fixtures. */
export const tasks = {
  inc: new URL('./tasks/inc.ts', import.meta.url),
  gated: new URL('./tasks/gated.ts', import.meta.url),
  death: new URL('./tasks/death.ts', import.meta.url),
  bytes: new URL('./tasks/bytes.ts', import.meta.url),
  math: new URL('./tasks/math.mjs', import.meta.url),
  badLoad: new URL('./tasks/bad-load.ts', import.meta.url),
  batch: new URL('./tasks/batch.ts', import.meta.url),
}

/** Poll (on immediates and 1 ms timers) until `cond()` holds; fail after `ms`. */
export async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 1))
  }
}

/** Gates for the `gated` task: open(i) lets task i return i * 10. */
export function gates(n: number): {
  sab: SharedArrayBuffer
  started: SharedArrayBuffer
  open: (i: number) => void
  running: (i: number) => boolean
} {
  const sab = new SharedArrayBuffer(4 * n)
  const started = new SharedArrayBuffer(4 * n)
  const g = new Int32Array(sab)
  const s = new Int32Array(started)
  return {
    sab,
    started,
    open(i) {
      Atomics.store(g, i, 1)
      Atomics.notify(g, i)
    },
    running: (i) => Atomics.load(s, i) === 1,
  }
}

/** Every worker thread started by any pool so far has emitted 'exit'. */
export function assertNoLiveThreads(): void {
  assert.ok(threadStats.started > 0, 'no thread was ever started')
  assert.equal(threadStats.exited, threadStats.started, 'a worker thread is still alive')
}

export { threadStats }
