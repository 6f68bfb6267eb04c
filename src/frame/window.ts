import type { StreamingFrame } from './frame.js'

/**
 * Windowed aggregations of a {@link StreamingFrame} (placeholder; the window work replaces it).
 * @example
 * sdf.window({ n: 100 })
 */
export class Window {
  constructor(
    readonly frame: StreamingFrame,
    readonly spec: { n: number } | { value: string | number; on: string },
  ) {}
}
