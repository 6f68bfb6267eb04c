import { writeFile } from 'node:fs/promises'
import { extname } from 'node:path'
import type { Graph } from './graph.js'
import { toDot } from './dot.js'
import { checkObject, fail } from '../internal/check.js'

/** Options for {@link visualize}. */
export interface VisualizeOptions {
  /** `LR` (left to right, the default) or `TB` (top to bottom). */
  rankdir?: 'LR' | 'TB'
  /** `svg` or `png`; by default from the file's extension (`.png` → png, else svg). */
  format?: 'svg' | 'png'
}

/** Graphviz compiled to WebAssembly, loaded once, on first use. */
let graphviz: Promise<{ dot(src: string, format?: 'svg'): string }> | undefined

async function loadGraphviz(): Promise<{ dot(src: string, format?: 'svg'): string }> {
  try {
    const { Graphviz } = await import('@hpcc-js/wasm-graphviz')
    return await Graphviz.load()
  } catch (e) {
    graphviz = undefined
    throw new Error(
      'visualize: needs the optional package @hpcc-js/wasm-graphviz (npm install @hpcc-js/wasm-graphviz)',
      {
        cause: e,
      },
    )
  }
}

/**
 * The graph drawn as SVG text, by Graphviz compiled to WebAssembly (`@hpcc-js/wasm-graphviz`,
 * an optional peer dependency; no Graphviz on the system needed).
 * @param graph - from {@link graphOf}
 * @param options - `{ rankdir = 'LR' }`
 * @example
 * ```ts
 * const svg = await toSvg(graphOf(pipeline)) // '<svg ...'
 * ```
 */
export async function toSvg(graph: Graph, options: { rankdir?: 'LR' | 'TB' } = {}): Promise<string> {
  const dot = toDot(graph, options)
  graphviz ??= loadGraphviz()
  return (await graphviz).dot(dot, 'svg')
}

/**
 * Draw the graph into `file` (Streamz `visualize`): SVG by Graphviz compiled to WebAssembly
 * (`@hpcc-js/wasm-graphviz`, an optional peer dependency), or PNG, which also needs
 * `@resvg/resvg-js` (an optional peer dependency with prebuilt binaries; text is set in a system
 * font). No Graphviz on the system is needed.
 * @param graph - from {@link graphOf}
 * @param file - where to write; `.png` makes a PNG unless `format` says otherwise
 * @param options - `{ rankdir = 'LR', format }`
 * @example
 * ```ts
 * await visualize(graphOf(pipeline), 'pipeline.svg')
 * await visualize(graphOf(pipeline), 'pipeline.png', { rankdir: 'TB' })
 * ```
 */
export async function visualize(graph: Graph, file: string, options: VisualizeOptions = {}): Promise<void> {
  if (typeof file !== 'string' || file === '') fail(TypeError, 'visualize', 'file', 'a file path', file)
  checkObject('visualize', 'options', options)
  const { rankdir, format = extname(file).toLowerCase() === '.png' ? 'png' : 'svg' } = options
  if (format !== 'svg' && format !== 'png') fail(RangeError, 'visualize', 'format', "'svg' or 'png'", format)
  const svg = await toSvg(graph, rankdir === undefined ? {} : { rankdir })
  if (format === 'svg') return writeFile(file, svg)
  let Resvg: typeof import('@resvg/resvg-js').Resvg
  try {
    const mod = await import('@resvg/resvg-js')
    Resvg = mod.Resvg
  } catch (e) {
    throw new Error('visualize: PNG needs the optional package @resvg/resvg-js (npm install @resvg/resvg-js)', {
      cause: e,
    })
  }
  const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, background: 'white' }).render().asPng()
  await writeFile(file, png)
}
