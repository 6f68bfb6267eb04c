import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

// What a serverless function that uses only `pipe` and `map` pays for: the bundle must stay
// small and must not pull in any other package (polars, kafkajs, ws, ... live behind subpaths).
const root = fileURLToPath(new URL('..', import.meta.url))
const LIMIT = 4096

test('bundling `import { pipe, map }` stays under 4 KB and pulls in no other package', async (t) => {
  const result = await build({
    stdin: {
      contents: [
        "import { pipe, map } from './src/index.ts'",
        'const out = pipe([1, 2, 3], map((x) => x * 2))',
        'for await (const x of out) console.log(x)',
      ].join('\n'),
      resolveDir: root,
      sourcefile: 'entry.ts',
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    treeShaking: true,
    format: 'esm',
    // node: builtins stay external; the check below makes sure none is left in the output
    platform: 'node',
    target: 'es2023',
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const out = result.outputFiles[0]
  assert.ok(out, 'esbuild produced no output')
  const size = out.contents.byteLength
  const inputs = Object.keys(result.metafile.inputs)
  t.diagnostic(`bundle size: ${size} bytes (limit ${LIMIT}); ${inputs.length} input files`)
  t.diagnostic(`inputs: ${inputs.join(', ')}`)
  const foreign = inputs.filter((p) => p.includes('node_modules'))
  assert.deepEqual(foreign, [], `the bundle pulls in other packages: ${foreign.join(', ')}`)
  assert.ok(
    inputs.some((p) => p.endsWith('src/pipe/pipe.ts')),
    'pipe.ts is not in the bundle',
  )
  const outputImports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path))
  assert.deepEqual(outputImports, [], `the bundle still imports: ${outputImports.join(', ')}`)
  assert.ok(size < LIMIT, `bundle is ${size} bytes, over the ${LIMIT}-byte budget`)
})
