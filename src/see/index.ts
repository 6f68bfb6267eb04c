/**
 * streamz-ts/see: seeing pipelines.
 * @packageDocumentation
 */
export { serveDashboard } from './dashboard.js'
export type { Dashboard, DashboardOptions, DashboardFrame } from './dashboard.js'
