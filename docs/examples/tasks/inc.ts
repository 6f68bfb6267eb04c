// A task for docs/pool.md: `inc` from the Streamz docs. The sleep stands in for real work: it
// holds the thread (as Python's time.sleep does), so only more threads make it go faster.
const cell = new Int32Array(new SharedArrayBuffer(4))

export function busy(ms: number): void {
  Atomics.wait(cell, 0, 0, ms)
}

export default function inc(x: number): number {
  busy(50)
  return x + 1
}
