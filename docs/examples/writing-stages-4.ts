import { pipe, map, sink } from '../../src/index.js'

export async function run() {
  const got: number[] = []
  try {
    await pipe(
      ['1', '2', 'three', '4'],
      map((s: string) => {
        const n = Number(s)
        if (Number.isNaN(n)) throw new TypeError(`not a number: ${s}`)
        return n
      }),
      sink((n) => {
        got.push(n)
      }),
    )
    return 'not reached'
  } catch (err) {
    // the elements before the bad one were delivered; the error reaches whoever awaits the pipeline
    return { got, error: (err as Error).message }
  }
}

export const expected = { got: [1, 2], error: 'not a number: three' }
