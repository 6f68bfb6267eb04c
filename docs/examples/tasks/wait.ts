// A task for docs/pool.md: hold the thread for `ms`, then give back `id`.
const cell = new Int32Array(new SharedArrayBuffer(4))

export default function wait({ id, ms }: { id: string; ms: number }): string {
  Atomics.wait(cell, 0, 0, ms)
  return id
}
