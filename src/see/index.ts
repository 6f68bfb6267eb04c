/**
 * streamz-ts/see: seeing pipelines.
 * @packageDocumentation
 */
export { graphOf, feedback, type Graph, type GraphNode, type GraphEdge, type Pipeline } from './graph.js'
export { toDot, type DotOptions } from './dot.js'
export { visualize, toSvg, type VisualizeOptions } from './visualize.js'
export {
  instrument,
  type Instrumented,
  type InstrumentOptions,
  type Snapshot,
  type StageFigures,
} from './instrument.js'
export { progress, type Progress, type ProgressOptions, type ProgressStream } from './progress.js'
export { toOpenTelemetry, type OpenTelemetryOptions } from './otel.js'
export { serveDashboard } from './dashboard.js'
export type { Dashboard, DashboardOptions, DashboardFrame } from './dashboard.js'
