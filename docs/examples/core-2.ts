import { pipe, map, filter } from '../../src/index.js'

interface Order {
  name: string
  amount: number
}

export async function run() {
  // any Iterable or AsyncIterable is a source: an array, a generator, a file's lines...
  const lines = ['{"name":"Alice","amount":100}', '{"name":"Bob","amount":-20}', '{"name":"Carol","amount":35}']

  const names: string[] = []
  for await (const order of pipe(
    lines,
    map((line: string) => JSON.parse(line) as Order),
    filter((order) => order.amount > 0),
  )) {
    names.push(order.name)
  }
  return names
}

export const expected = ['Alice', 'Carol']
