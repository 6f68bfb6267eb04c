import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import ts from 'typescript'

// Every public export must carry a TSDoc comment, and every exported value (function, class,
// constant) and every exported type other than an `…Options` bag must show an `@example`.
// Options types are documented field by field and their example is on the factory that takes them.

const root = fileURLToPath(new URL('../..', import.meta.url))

/** src/index.ts plus the source of every subpath in package.json `exports` that exists yet. */
function entryPoints(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> }
  const entries = [join(root, 'src/index.ts')]
  for (const key of Object.keys(pkg.exports ?? {})) {
    const sub = key.replace(/^\.\/?/, '')
    if (sub === '' || sub.endsWith('.json')) continue
    const candidates = [
      join(root, 'src', sub, 'index.ts'),
      join(root, 'src', `${sub}.ts`),
      join(root, 'src/sources', sub, 'index.ts'),
    ]
    const found = candidates.find((p) => existsSync(p))
    if (found !== undefined) entries.push(found)
  }
  return entries
}

interface Exported {
  entry: string
  name: string
  kind: 'value' | 'type'
  doc: string
  tags: string[]
}

function listExports(): Exported[] {
  const entries = entryPoints()
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'))
      },
    },
  )
  assert.ok(parsed, 'tsconfig.json could not be read')
  const program = ts.createProgram(entries, { ...parsed.options, noEmit: true })
  const checker = program.getTypeChecker()
  const out: Exported[] = []
  for (const entry of entries) {
    const file = program.getSourceFile(entry)
    assert.ok(file, `${entry} is not in the program`)
    const moduleSymbol = checker.getSymbolAtLocation(file)
    assert.ok(moduleSymbol, `${entry} has no module symbol`)
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
      const isValue = (symbol.flags & ts.SymbolFlags.Value) !== 0
      out.push({
        entry: entry.slice(root.length),
        name: exported.getName(),
        kind: isValue ? 'value' : 'type',
        doc: ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim(),
        tags: symbol.getJsDocTags(checker).map((tag) => tag.name),
      })
    }
  }
  return out
}

const exported = listExports()

test(`every public export has a doc comment (${exported.length} exports)`, (t) => {
  t.diagnostic(exported.map((e) => `${e.entry}: ${e.name} (${e.kind})`).join('\n'))
  assert.ok(exported.length > 10, 'suspiciously few exports found')
  const undocumented = exported.filter((e) => e.doc === '').map((e) => `${e.entry}: ${e.name}`)
  assert.deepEqual(undocumented, [], `exports without a doc comment:\n${undocumented.join('\n')}`)
})

test('every exported value and non-options type has an @example', () => {
  const missing = exported
    .filter((e) => !(e.kind === 'type' && e.name.endsWith('Options')))
    .filter((e) => !e.tags.includes('example'))
    .map((e) => `${e.entry}: ${e.name}`)
  assert.deepEqual(missing, [], `exports without an @example:\n${missing.join('\n')}`)
})
