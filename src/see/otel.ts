import type { Meter } from '@opentelemetry/api'
import { fail } from '../internal/check.js'
import type { Instrumented, StageFigures } from './instrument.js'

/** Options for {@link toOpenTelemetry}. */
export interface OpenTelemetryOptions {
  /** The metric name prefix (default `'streamz.stage'`). */
  prefix?: string
  /** Attributes added to every data point (e.g. `{ pipeline: 'orders' }`). */
  attributes?: Record<string, string>
}

/**
 * Publish an instrumented pipeline's figures as OpenTelemetry metrics on `meter` (from
 * `@opentelemetry/api`, an optional peer dependency; this module imports only its types):
 * counters `<prefix>.in`, `<prefix>.out` and `<prefix>.busy` (ms), and gauges `<prefix>.rate`
 * (per second), `<prefix>.waiting` and `<prefix>.in_flight`, each data point with the attributes
 * `stage` (the node id) and `name`. One snapshot is taken per collection. Returns a function
 * that unregisters the callback.
 * @param instrumented - from {@link instrument}
 * @param meter - an OpenTelemetry `Meter`
 * @param options - `{ prefix = 'streamz.stage', attributes }`
 * @example
 * ```ts
 * import { metrics } from '@opentelemetry/api'
 * const seen = instrument(stream)
 * toOpenTelemetry(seen, metrics.getMeter('orders'), { attributes: { pipeline: 'orders' } })
 * ```
 */
export function toOpenTelemetry(
  instrumented: Instrumented,
  meter: Meter,
  options: OpenTelemetryOptions = {},
): () => void {
  if (instrumented === null || typeof instrumented !== 'object' || typeof instrumented.snapshot !== 'function')
    fail(TypeError, 'toOpenTelemetry', 'instrumented', 'the result of instrument()', instrumented)
  if (meter === null || typeof meter !== 'object' || typeof meter.addBatchObservableCallback !== 'function')
    fail(TypeError, 'toOpenTelemetry', 'meter', 'an OpenTelemetry Meter', meter)
  const { prefix = 'streamz.stage', attributes = {} } = options
  const counters: [keyof StageFigures, ReturnType<Meter['createObservableCounter']>][] = [
    ['in', meter.createObservableCounter(`${prefix}.in`, { description: 'elements taken in' })],
    ['out', meter.createObservableCounter(`${prefix}.out`, { description: 'elements given out' })],
    ['busyMs', meter.createObservableCounter(`${prefix}.busy`, { description: 'time spent', unit: 'ms' })],
  ]
  const gauges: [keyof StageFigures, ReturnType<Meter['createObservableGauge']>][] = [
    ['rate', meter.createObservableGauge(`${prefix}.rate`, { description: 'elements out per second', unit: '1/s' })],
    ['waiting', meter.createObservableGauge(`${prefix}.waiting`, { description: 'elements held in buffers' })],
    ['inFlight', meter.createObservableGauge(`${prefix}.in_flight`, { description: 'calls in flight' })],
  ]
  const all = [...counters, ...gauges]
  const callback = (result: { observe(o: unknown, value: number, attrs?: Record<string, string>): void }): void => {
    for (const f of instrumented.snapshot().stages)
      for (const [key, instrument] of all)
        result.observe(instrument, f[key] as number, { ...attributes, stage: f.id, name: f.name })
  }
  const observables = all.map(([, o]) => o)
  meter.addBatchObservableCallback(callback, observables)
  return () => meter.removeBatchObservableCallback(callback, observables)
}
