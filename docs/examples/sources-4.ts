import { pipe, fromProcess, toArray } from '../../src/index.js'

export async function run() {
  // each line of the command's standard output, with its '\n'
  const script = 'for (const n of [1, 2, 3]) console.log(`line ${n}`)'
  return pipe(fromProcess(process.execPath, ['-e', script]), toArray())
}

export const expected = ['line 1\n', 'line 2\n', 'line 3\n']
