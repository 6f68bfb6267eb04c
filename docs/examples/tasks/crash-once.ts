// A task for docs/pool.md: the first call ends its worker thread (as a native crash or an
// out-of-memory would); later calls return x * 10. `once` is shared memory, so every worker
// sees the same flag.
export default function crashOnce({ x, once }: { x: number; once: Int32Array }): number {
  if (Atomics.exchange(once, 0, 1) === 0) process.exit(1)
  return x * 10
}
