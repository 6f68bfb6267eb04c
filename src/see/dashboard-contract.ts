/**
 * Stand-in for the graph and instrumentation types of src/see/graph.ts and src/see/instrument.ts
 * until those land; deleted then. Shapes copied from the agreed contract.
 * @internal
 */
export interface GraphNode {
  id: string
  name: string
  kind: 'source' | 'stage' | 'sink' | 'join' | 'split'
}
/** @internal */
export interface GraphEdge {
  from: string
  to: string
}
/** @internal */
export interface Graph {
  nodes: GraphNode[]
  edges: GraphEdge[]
}
/** @internal */
export interface StageFigures {
  id: string
  name: string
  in: number
  out: number
  rate: number
  busyMs: number
  waiting: number
  inFlight: number
}
/** @internal */
export interface Snapshot {
  at: number
  stages: StageFigures[]
}
/** @internal */
export interface Instrumented {
  snapshot(): Snapshot
  readonly graph: Graph
  stop(): void
}
