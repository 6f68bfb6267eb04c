import { pipe, pushable, map, sink } from '../../src/index.js'

export async function run() {
  const printed: number[] = []
  const source = pushable<number>()
  const done = pipe(
    source,
    map((x: number) => x + 1),
    sink((x) => {
      printed.push(x) // in a real program: console.log(x)
    }),
  )

  await source.emit(1)
  await source.emit(2)
  await source.emit(10)
  source.end()
  await done
  return printed
}

export const expected = [2, 3, 11]
