// A task the test controls: it waits until the parent sets gates[i] (a SharedArrayBuffer
// shared with the worker), then returns i * 10. Waits in short slices so terminate() ends it.
export default function gated(job: { gates: SharedArrayBuffer; i: number }): number {
  const gates = new Int32Array(job.gates)
  const deadline = Date.now() + 10_000
  while (Atomics.load(gates, job.i) === 0) {
    if (Date.now() > deadline) throw new Error(`gate ${job.i} was never opened`)
    Atomics.wait(gates, job.i, 0, 5)
  }
  return job.i * 10
}

/** Sets started[i] to 1 when the task begins, then waits like gated: lets a test see what runs. */
export function tracked(job: { gates: SharedArrayBuffer; started: SharedArrayBuffer; i: number }): number {
  Atomics.store(new Int32Array(job.started), job.i, 1)
  return gated(job)
}
