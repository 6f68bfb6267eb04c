import pl from 'nodejs-polars'
import { pipe, map } from '../../src/index.js'
import { toFrame } from '../../src/frame/index.js'

export async function run() {
  // CSV files as they might land in a folder (in a live system: files('incoming/*.csv') and readFile)
  const csvFiles = [
    'name,amount\nAlice,100\nBob,50\n',
    'name,amount\nAlice,30\nCarol,20\nBob,0\n',
    'name,amount\nDan,200\n',
  ]
  const example = pl.DataFrame({ name: [], amount: [] }, { schema: { name: pl.String, amount: pl.Float64 } })

  const chunks = pipe(
    csvFiles,
    map((text: string) => pl.readCSV(text, { dtypes: { amount: pl.Float64 } })),
  )
  const sdf = toFrame(chunks, { example })

  // the running mean of every numeric column: one single-row frame per file
  const means: number[] = []
  for await (const mean of sdf.mean()) means.push(mean.getColumn('amount').get(0) as number)
  return means
}

export const expected = [75, 40, 400 / 6]
