import pl from 'nodejs-polars'
import { toFrame } from '../../src/frame/index.js'

export async function run() {
  const schema = { name: pl.String, city: pl.String, amount: pl.Float64 }
  const example = pl.DataFrame({ name: [], city: [], amount: [] }, { schema })
  const chunks = [
    pl.DataFrame({ name: ['Bob', 'Alice', 'Alice'], city: ['Oslo', 'Rome', 'Oslo'], amount: [10, 20, 40] }, { schema }),
    pl.DataFrame({ name: ['Carol', 'Bob'], city: ['Rome', 'Oslo'], amount: [5, 30] }, { schema }),
  ]

  // the whole updated table after each chunk, sorted by the keys
  const byName: unknown[] = []
  for await (const df of toFrame(chunks, { example }).groupBy('name').col('amount').mean()) byName.push(df.toRecords())

  // several keys, and the number of rows per group
  let sizes: unknown
  for await (const df of toFrame(chunks, { example }).groupBy(['city', 'name']).size()) sizes = df.toRecords()

  return { byName, sizes }
}

export const expected = {
  byName: [
    [
      { name: 'Alice', amount: 30 },
      { name: 'Bob', amount: 10 },
    ],
    [
      { name: 'Alice', amount: 30 },
      { name: 'Bob', amount: 20 },
      { name: 'Carol', amount: 5 },
    ],
  ],
  sizes: [
    { city: 'Oslo', name: 'Alice', size: 1 },
    { city: 'Oslo', name: 'Bob', size: 2 },
    { city: 'Rome', name: 'Alice', size: 1 },
    { city: 'Rome', name: 'Carol', size: 1 },
  ],
}
