import { pipe, map, filter, buffer, toArray } from '../../src/index.js'
import { instrument } from '../../src/see/index.js'

export async function run() {
  const parse = (line: string) => Number(line)
  const isEven = (x: number) => x % 2 === 0
  const lines = Array.from({ length: 1000 }, (_, i) => String(i))

  // instrument the stream before it runs (before the sink is attached)
  const stream = pipe(lines, map(parse), filter(isEven), buffer(16))
  const seen = instrument(stream)
  const evens = await pipe(stream, toArray())

  const figures = seen.snapshot().stages.map((f) => `${f.name}: ${f.in} in, ${f.out} out`)
  return { evens: evens.length, figures }
}

export const expected = {
  evens: 500,
  figures: [
    'array: 0 in, 1000 out',
    'map(parse): 1000 in, 1000 out',
    'filter(isEven): 1000 in, 500 out',
    'buffer(16): 500 in, 500 out',
  ],
}
