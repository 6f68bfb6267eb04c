import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { join } from 'node:path'

// Every code example in README.md and docs/*.md lives in docs/examples/<page>-<n>.ts, a module
// exporting `run()` and the `expected` value it must return. This suite runs each one, and checks
// that the code block after `<!-- example: <page>-<n> -->` in the markdown is the file, byte for
// byte, except that the file imports '../../src/index.js' where the docs show 'streamz-ts'
// (and '../../src/<sub>/index.js' where they show 'streamz-ts/<sub>').
// After editing an example, `UPDATE_DOCS=1 node --import tsx --test test/docs/examples.test.ts`
// copies every example file into the block after its marker (adding the block if missing).

const root = fileURLToPath(new URL('../..', import.meta.url))
const exampleDir = join(root, 'docs/examples')
const TIMEOUT = 10_000

interface Example {
  run: () => Promise<unknown>
  expected: unknown
}

const files = readdirSync(exampleDir)
  .filter((f) => f.endsWith('.ts'))
  .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
const names = files.map((f) => f.slice(0, -'.ts'.length))

/** The example file as the docs show it: the package name instead of the relative source path. */
function asShownInDocs(source: string): string {
  return source
    .replaceAll("from '../../src/index.js'", "from 'streamz-ts'")
    .replace(/from '\.\.\/\.\.\/src\/(?:sources\/)?([a-z-]+)\/index\.js'/g, "from 'streamz-ts/$1'")
}

/** Markdown files that may hold examples, and the markers in each. */
function markdownPages(): { page: string; text: string }[] {
  const pages = [{ page: 'README.md', text: readFileSync(join(root, 'README.md'), 'utf8') }]
  for (const f of readdirSync(join(root, 'docs')).sort()) {
    if (f.endsWith('.md')) pages.push({ page: `docs/${f}`, text: readFileSync(join(root, 'docs', f), 'utf8') })
  }
  return pages
}

if (process.env.UPDATE_DOCS === '1') {
  for (const page of [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ]) {
    const path = join(root, page)
    const text = readFileSync(path, 'utf8')
    const updated = text.replace(
      /<!-- example: ([a-z0-9-]+) -->(?:\n\n?```ts\n[\s\S]*?^```$)?/gm,
      (whole, name: string) => {
        if (!names.includes(name)) return whole
        const code = asShownInDocs(readFileSync(join(exampleDir, `${name}.ts`), 'utf8'))
        return `<!-- example: ${name} -->\n\n\`\`\`ts\n${code}\`\`\``
      },
    )
    if (updated !== text) writeFileSync(path, updated)
  }
}

const MARKER = /<!-- example: ([a-z0-9-]+) -->\n\n?```ts\n([\s\S]*?)^```$/gm
const BARE_MARKER = /<!-- example: ([a-z0-9-]+) -->/g

const blocks = new Map<string, { page: string; code: string }[]>()
for (const { page, text } of markdownPages()) {
  const bare = [...text.matchAll(BARE_MARKER)].map((m) => m[1]!)
  const full = [...text.matchAll(MARKER)]
  assert.deepEqual(
    full.map((m) => m[1]),
    bare,
    `${page}: every example marker must be followed (after at most one blank line) by a \`\`\`ts block`,
  )
  for (const m of full) {
    const list = blocks.get(m[1]!) ?? []
    list.push({ page, code: m[2]! })
    blocks.set(m[1]!, list)
  }
}

test('there are examples, and every one is shown exactly once in the docs', () => {
  assert.ok(files.length >= 20, `only ${files.length} examples found in docs/examples`)
  const unshown = names.filter((n) => !blocks.has(n))
  assert.deepEqual(unshown, [], `examples not included in any page: ${unshown.join(', ')}`)
  const dangling = [...blocks.keys()].filter((n) => !names.includes(n))
  assert.deepEqual(dangling, [], `markers without a docs/examples file: ${dangling.join(', ')}`)
  const twice = [...blocks].filter(([, list]) => list.length > 1).map(([n]) => n)
  assert.deepEqual(twice, [], `examples shown more than once: ${twice.join(', ')}`)
})

for (const name of names) {
  const file = join(exampleDir, `${name}.ts`)

  test(`${name}: the docs show the file verbatim`, () => {
    const shown = blocks.get(name)?.[0]
    assert.ok(shown, `no <!-- example: ${name} --> marker in README.md or docs/*.md`)
    assert.equal(
      shown.code,
      asShownInDocs(readFileSync(file, 'utf8')),
      `${shown.page}: block ${name} differs from the file`,
    )
  })

  test(`${name}: run() returns the expected value`, { timeout: TIMEOUT }, async () => {
    const mod = (await import(pathToFileURL(file).href)) as Partial<Example>
    assert.equal(typeof mod.run, 'function', `${name} must export async function run()`)
    assert.ok('expected' in mod, `${name} must export const expected`)
    const actual = await mod.run!()
    assert.deepEqual(actual, mod.expected)
  })
}
