import type { StreamingFrame } from './frame.js'

/**
 * Rolling aggregations of a {@link StreamingFrame} (placeholder; the rolling work replaces it).
 * @example
 * sdf.rolling(20)
 */
export class Rolling {
  constructor(
    readonly frame: StreamingFrame,
    readonly window: number | string,
    readonly options: { on?: string } = {},
  ) {}
}
