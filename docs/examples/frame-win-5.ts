import pl from 'nodejs-polars'
import { toFrame, type Aggregation } from '../../src/frame/index.js'

// a mean of column x that rows can enter and leave: the state is [total, count]
type Totals = readonly [number, number]
const result = ([total, count]: Totals) =>
  pl.DataFrame({ x: [count === 0 ? null : total / count] }, { schema: { x: pl.Float64 } })
const sumOf = (rows: pl.DataFrame) => (rows.getColumn('x').sum() as number | null) ?? 0

const mean: Aggregation<Totals> = {
  initial: () => [0, 0],
  onNew: ([total, count], rows) => {
    const next = [total + sumOf(rows), count + rows.height] as const
    return [next, result(next)]
  },
  onOld: ([total, count], rows) => {
    const next = [total - sumOf(rows), count - rows.height] as const
    return [next, result(next)]
  },
}

export async function run() {
  const example = pl.DataFrame({ x: [] }, { schema: { x: pl.Float64 } })
  const sdf = toFrame([pl.DataFrame({ x: [2, 4] }), pl.DataFrame({ x: [6, 8, 10] })], { example })
  const values = async (frames: AsyncIterable<pl.DataFrame>) => {
    const out: unknown[] = []
    for await (const df of frames) out.push(df.getColumn('x').toArray())
    return out
  }
  return {
    wholeStream: await values(sdf.aggregate(mean).stream), // onOld never called
    lastThreeRows: await values(sdf.window({ n: 3 }).aggregate(mean).stream),
    rollingTwo: await values(sdf.rolling(2).aggregate(mean).stream), // one result per row
  }
}

export const expected = {
  wholeStream: [[3], [6]],
  lastThreeRows: [[3], [8]],
  rollingTwo: [
    [2, 3],
    [5, 7, 9],
  ],
}
