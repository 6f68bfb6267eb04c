import { test } from 'node:test'
import assert from 'node:assert/strict'
import { transferableSymbol, valueSymbol } from 'piscina'
import { transferResult } from '../../src/pool/index.js'
import { transferablesOf } from '../../src/pool/transfer.js'

test('transferablesOf: ArrayBuffers, views and arrays of them, each buffer once; nothing else', () => {
  const buf = new ArrayBuffer(8)
  const view = new Uint8Array(buf, 2)
  assert.deepEqual(transferablesOf(buf), [buf])
  assert.deepEqual(transferablesOf(view), [buf])
  assert.deepEqual(transferablesOf(new DataView(buf)), [buf])
  const other = new Float64Array(2)
  assert.deepEqual(transferablesOf([view, other, buf, 3]), [buf, other.buffer])
  assert.deepEqual(transferablesOf(new Int32Array(new SharedArrayBuffer(8))), [], 'shared memory is not moved')
  assert.deepEqual(transferablesOf({ data: buf }), [])
  assert.deepEqual(transferablesOf('text'), [])
})

test("transferResult: piscina's movable wrapper around the value, with its transfer list", () => {
  const xs = new Float64Array([1, 2])
  const moved = transferResult(xs) as unknown as Record<symbol, unknown>
  assert.equal(moved[valueSymbol], xs)
  assert.deepEqual(moved[transferableSymbol], [xs.buffer])
  const out = new Uint8Array(4)
  const wrapped = transferResult({ out }, [out.buffer]) as unknown as Record<symbol, unknown>
  assert.deepEqual(wrapped[valueSymbol], { out })
  assert.deepEqual(wrapped[transferableSymbol], [out.buffer])
})

test('transferResult: a transfer list that is not an array throws', () => {
  assert.throws(
    () => transferResult(1, 'x' as unknown as []),
    /^TypeError: transferResult: transferList must be an array, got "x"$/,
  )
})
