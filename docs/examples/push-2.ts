import { pipe, pushable, sink } from '../../src/index.js'

export async function run() {
  // a feedback loop: the sink pushes the next number back into the pipeline's own source
  const source = pushable<number>()
  const path: number[] = []
  const done = pipe(
    source,
    sink((n) => {
      path.push(n)
      if (n === 1) source.end()
      else source.push(n % 2 === 0 ? n / 2 : 3 * n + 1)
    }),
  )

  source.push(6)
  await done
  return path
}

export const expected = [6, 3, 10, 5, 16, 8, 4, 2, 1]
