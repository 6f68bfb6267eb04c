import { existsSync, writeFileSync } from 'node:fs'

/** Exits the worker thread with code 3 for 2. */
export function exitOn2(x: number): number {
  if (x === 2) process.exit(3)
  return x
}

/** Runs out of memory for 2 (with small resourceLimits). */
export function oomOn2(x: number): number {
  if (x === 2) {
    const hoard: number[][] = []
    for (;;) hoard.push(new Array<number>(100_000).fill(x))
  }
  return x
}

/** Exits the first time it sees a marker path that does not exist yet (creating it); then returns x. */
export function exitOnce(job: { marker: string; x: number }): number {
  if (!existsSync(job.marker)) {
    writeFileSync(job.marker, 'died once')
    process.exit(7)
  }
  return job.x
}

/** Always exits. */
export function alwaysExit(): never {
  process.exit(5)
}
