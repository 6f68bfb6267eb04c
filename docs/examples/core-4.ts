import { pipe, accumulate, toArray } from '../../src/index.js'

export async function run() {
  // with returnsState, f returns [newState, valueToEmit]: keep a Set, emit its size
  return pipe(
    ['cat', 'dog', 'cat', 'mouse'],
    accumulate(
      (seen: Set<string>, animal: string) => {
        seen.add(animal)
        return [seen, seen.size] as const
      },
      { start: new Set<string>(), returnsState: true },
    ),
    toArray(),
  )
}

export const expected = [1, 2, 2, 3]
