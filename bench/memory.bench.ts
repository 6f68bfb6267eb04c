// Peak memory growth of one pipeline, measured in a fresh process so that heap and RSS grown by
// earlier benchmarks do not hide it. bench/index.ts runs one child per case:
//   node --import tsx --expose-gc bench/memory.bench.ts W1 streamz-ts
// and reads the last line, `@@result {json}`.

import { fileURLToPath } from 'node:url'
import { RESULT_MARK, measureMemory, runChild, type MemResult } from './harness.js'
import { memoryCases } from './workloads.js'

export interface MemOutcome {
  readonly workload: string
  readonly name: string
  readonly skip?: string
  readonly r?: MemResult
}

/** Every memory case of `ids`, each in its own child process. */
export async function runMemoryCases(ids: ReadonlySet<string>): Promise<MemOutcome[]> {
  const file = fileURLToPath(import.meta.url)
  const out: MemOutcome[] = []
  for (const c of memoryCases(ids)) {
    if (c.skip !== undefined) out.push({ workload: c.workload, name: c.name, skip: c.skip })
    else out.push(await runChild<MemOutcome>(file, [c.workload, c.name]))
  }
  return out
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [workload, name] = process.argv.slice(2)
  const c = memoryCases(new Set([workload ?? ''])).find((x) => x.name === name)
  if (c === undefined) throw new Error(`memory.bench: no case ${String(workload)} ${String(name)}`)
  const outcome: MemOutcome =
    c.prepare === undefined
      ? { workload: c.workload, name: c.name, skip: c.skip }
      : {
          workload: c.workload,
          name: c.name,
          r: await measureMemory(`${c.workload}/${c.name}`, c.expected, c.prepare()),
        }
  console.log(RESULT_MARK + JSON.stringify(outcome))
}
