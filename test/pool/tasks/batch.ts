// Task fixtures for the batching tests: each export runs in a worker thread.

let run = 0

/**
 * [x, position]: the position of this call in the synchronous run of calls it belongs to. The
 * elements of one message run one after another in one turn of the worker's event loop, so
 * the positions of a message's elements are 0, 1, 2, ...; a microtask resets the count.
 */
export function position(x: number): [number, number] {
  if (run === 0) queueMicrotask(() => (run = 0))
  return [x, run++]
}

/** Busy for `ms` milliseconds (0: returns at once), then [i, position] as above. */
export function busy(job: { i: number; ms: number }): [number, number] {
  const end = performance.now() + job.ms
  while (performance.now() < end);
  return position(job.i)
}

/** Marks ran[i] (a shared Int32Array), then throws for i === 5 and returns i * 10 otherwise. */
export function failOn5(job: { i: number; ran: Int32Array }): number {
  Atomics.store(job.ran, job.i, 1)
  if (job.i === 5) throw new Error('task failed on 5')
  return job.i * 10
}
