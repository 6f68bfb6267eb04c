import pl from 'nodejs-polars'
import { toFrame } from '../../src/frame/index.js'

/** The first row's value of `column` in every chunk. */
async function firsts(frame: AsyncIterable<pl.DataFrame>, column = 'x'): Promise<unknown[]> {
  const out: unknown[] = []
  for await (const df of frame) out.push(df.getColumn(column).get(0))
  return out
}

export async function run() {
  const schema = { x: pl.Float64 }
  const chunks = [pl.DataFrame({ x: [1, 2, 3] }, { schema }), pl.DataFrame({ x: [4, null] }, { schema })]
  const sdf = () => toFrame(chunks, { example: chunks[0]!.head(0) })

  // the cumulative ones emit every row, carrying on from the chunk before
  const cumsum: unknown[] = []
  for await (const df of sdf().cumsum()) cumsum.push(...df.getColumn('x').toArray())

  return {
    sum: await firsts(sdf().sum()), // running totals: one single-row frame per chunk
    count: await firsts(sdf().count()), // nulls are not counted
    size: await firsts(sdf().size(), 'size'), // elements, nulls included
    mean: await firsts(sdf().mean()),
    var: await firsts(sdf().var()), // ddof 1, as pandas
    max: await firsts(sdf().max()),
    cumsum,
  }
}

export const expected = {
  sum: [6, 10],
  count: [3, 4],
  size: [3, 5],
  mean: [2, 2.5],
  var: [1, 5 / 3],
  max: [3, 4],
  cumsum: [1, 3, 6, 10, null],
}
