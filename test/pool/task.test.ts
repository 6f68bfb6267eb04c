import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { resolveTask } from '../../src/pool/task.js'

test('resolveTask: a path, a relative path, a file URL (object or string), { module, name }', () => {
  assert.deepEqual(resolveTask('op', '/a/b.ts'), { url: 'file:///a/b.ts', name: 'default', label: '/a/b.ts#default' })
  const rel = pathToFileURL(join(process.cwd(), 'tasks/x.mjs')).href
  assert.equal(resolveTask('op', './tasks/x.mjs').url, rel)
  assert.equal(resolveTask('op', 'tasks/x.mjs').url, rel)
  assert.equal(resolveTask('op', new URL('file:///a/b.js')).url, 'file:///a/b.js')
  assert.equal(resolveTask('op', 'file:///a/b.js').url, 'file:///a/b.js')
  assert.deepEqual(resolveTask('op', { module: '/a/b.ts', name: 'f' }), {
    url: 'file:///a/b.ts',
    name: 'f',
    label: '/a/b.ts#f',
  })
  assert.equal(resolveTask('op', { module: new URL('file:///c.ts') }).name, 'default')
})

test('resolveTask: anything else throws a TypeError naming the operator and the value', () => {
  assert.throws(
    () => resolveTask('poolMap', 42),
    /^TypeError: poolMap: task must be a module path, a file URL or \{ module, name \}, got 42$/,
  )
  assert.throws(() => resolveTask('poolMap', ''), /poolMap: task must be a module path/)
  assert.throws(() => resolveTask('poolMap', undefined), /got undefined/)
  assert.throws(
    () => resolveTask('poolMap', new URL('http://x/y.js')),
    /^TypeError: poolMap: task must be a file: URL, got http:\/\/x\/y.js$/,
  )
  assert.throws(
    () => resolveTask('poolMap', {}),
    /poolMap: task.module must be a module path, a file URL or \{ module, name \}, got undefined/,
  )
  assert.throws(
    () => resolveTask('poolMap', { module: '/a.ts', name: '' }),
    /poolMap: task.name must be a non-empty string, got ""/,
  )
})
