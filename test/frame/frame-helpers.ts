/** Helpers shared by the frame tests. */
import assert from 'node:assert/strict'
import pl from 'nodejs-polars'
import { StreamingFrame } from '../../src/frame/frame.js'

/** The chunks the Python parity script ran through Streamz (see parity-expected.ts). */
export const parityChunks = [
  { name: ['a', 'b', 'a', 'c', 'b', 'a'], x: [1, 2, 3, 4, 5, 6], y: [1.5, null, 2.5, -1.0, 0.25, 10.0] },
  { name: ['b', 'c'], x: [7, -3], y: [3.0, 4.0] },
  { name: ['d', 'a', 'a', 'b'], x: [10, 11, 0, 2], y: [0.5, 0.125, 8.0, null] },
]

export const paritySchema = { name: pl.String, x: pl.Int64, y: pl.Float64 }

export const parityExample = pl.DataFrame({ name: [], x: [], y: [] }, { schema: paritySchema })

export function parityFrames(): pl.DataFrame[] {
  return parityChunks.map((c) => pl.DataFrame(c, { schema: paritySchema }))
}

/** Every chunk of a streaming frame as records. */
export async function records(sdf: StreamingFrame): Promise<Record<string, unknown>[][]> {
  const out: Record<string, unknown>[][] = []
  for await (const df of sdf.stream) out.push(df.toRecords())
  return out
}

/** Numbers equal to 1e-9 relative (nulls equal nulls), recursively through arrays and objects. */
export function assertClose(actual: unknown, expected: unknown, path = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const tol = 1e-9 * Math.max(1, Math.abs(expected))
    assert.ok(Math.abs(actual - expected) <= tol, `${path}: ${actual} is not close to ${expected}`)
    return
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array, got ${String(actual)}`)
    assert.equal(actual.length, expected.length, `${path}: length`)
    expected.forEach((e: unknown, i) => assertClose((actual as unknown[])[i], e, `${path}[${i}]`))
    return
  }
  if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: expected an object, got ${String(actual)}`)
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path}: keys`)
    for (const [k, e] of Object.entries(expected))
      assertClose((actual as Record<string, unknown>)[k], e, `${path}.${k}`)
    return
  }
  assert.equal(actual, expected, path)
}

/** Column names and dtypes as text. */
export function dtypes(df: pl.DataFrame): Record<string, string> {
  return Object.fromEntries(
    Object.entries(df.schema as Record<string, pl.DataType>).map(([k, t]) => [
      k,
      String(t).replace(/^DataType\((.*)\)$/, '$1'),
    ]),
  )
}

/** A streaming frame over fixed chunks (re-iterable), built directly, as the operators see one. */
export function frameOf(chunks: readonly pl.DataFrame[], example: pl.DataFrame): StreamingFrame {
  return new StreamingFrame(
    {
      async *[Symbol.asyncIterator]() {
        yield* chunks
      },
    },
    example,
  )
}

/** Every frame a streaming frame emits. */
export async function collect(sdf: StreamingFrame): Promise<pl.DataFrame[]> {
  const out: pl.DataFrame[] = []
  for await (const df of sdf.stream) out.push(df)
  return out
}
