import type { Graph, GraphNode } from './graph.js'
import type { Snapshot, StageFigures } from './instrument.js'
import { checkObject, fail } from '../internal/check.js'

/** Options for {@link toDot}. */
export interface DotOptions {
  /** `LR` (left to right, the default) or `TB` (top to bottom). */
  rankdir?: 'LR' | 'TB'
  /** Live figures from `instrument(...).snapshot()`: each node's label gets its counts. */
  figures?: Snapshot
}

const SHAPES: Record<GraphNode['kind'], string> = {
  source: 'shape=box, style="rounded,filled", fillcolor="#e8f1fb"',
  stage: 'shape=box, style=rounded',
  sink: 'shape=box, style="rounded,filled", fillcolor="#eaf6ea"',
  join: 'shape=invtrapezium',
  split: 'shape=trapezium',
}

/** A DOT string literal. */
const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`

/** 1234567 → `1.2M`; small counts as they are. */
export function compact(n: number): string {
  const a = Math.abs(n)
  if (a < 1000) return Number.isInteger(n) ? String(n) : n.toFixed(1)
  for (const [d, u] of [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const)
    if (a >= d) return `${(n / d).toFixed(a >= d * 100 ? 0 : 1)}${u}`
  return String(n)
}

function figuresLine(f: StageFigures): string {
  const parts = [`${compact(f.out)} out`, `${compact(f.rate)}/s`]
  if (f.waiting > 0) parts.push(`${compact(f.waiting)} waiting`)
  if (f.inFlight > 0) parts.push(`${compact(f.inFlight)} in flight`)
  return parts.join(' · ')
}

/**
 * The graph as Graphviz DOT text: one node per stage (sources and sinks filled, `tee` and the
 * joins as trapeziums), one edge per connection, a feedback edge dashed and drawn against the
 * flow. With `figures` (a snapshot of `instrument`), each label gets its counts. Render it
 * with {@link visualize} or any Graphviz.
 * @param graph - from {@link graphOf} (or `instrumented.graph`)
 * @param options - `{ rankdir = 'LR', figures }`
 * @example
 * ```ts
 * toDot(graphOf(pipe([1, 2], map(double))))
 * // digraph pipeline {
 * //   rankdir=LR; ...
 * //   s0 [label="array", ...]; s1 [label="map(double)", ...]
 * //   s0 -> s1;
 * // }
 * ```
 */
export function toDot(graph: Graph, options: DotOptions = {}): string {
  if (graph === null || typeof graph !== 'object' || !Array.isArray(graph.nodes) || !Array.isArray(graph.edges))
    fail(TypeError, 'toDot', 'graph', 'a Graph (from graphOf)', graph)
  checkObject('toDot', 'options', options)
  const { rankdir = 'LR', figures } = options
  if (rankdir !== 'LR' && rankdir !== 'TB') fail(RangeError, 'toDot', 'rankdir', "'LR' or 'TB'", rankdir)
  const byId = new Map((figures?.stages ?? []).map((f) => [f.id, f]))
  const lines = [
    'digraph pipeline {',
    `  rankdir=${rankdir};`,
    '  node [fontname="Helvetica", fontsize=11, margin="0.15,0.06"];',
    '  edge [color="#555555", arrowsize=0.7];',
  ]
  for (const n of graph.nodes) {
    const f = byId.get(n.id)
    const label = f === undefined ? n.name : `${n.name}\n${figuresLine(f)}`
    lines.push(`  ${n.id} [label=${quote(label)}, ${SHAPES[n.kind]}];`)
  }
  for (const e of graph.edges)
    lines.push(
      e.back === true
        ? `  ${e.from} -> ${e.to} [style=dashed, constraint=false, color="#b03a2e", label="feedback", fontname="Helvetica", fontsize=9];`
        : `  ${e.from} -> ${e.to};`,
    )
  lines.push('}')
  return lines.join('\n') + '\n'
}
