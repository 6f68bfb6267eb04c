import type pl from 'nodejs-polars'

/**
 * How a frame is drawn: which column gives x (none: a running row number), whether x is time
 * (sent as seconds since the epoch, what uPlot's time axis expects) and which numeric columns are
 * drawn as series.
 * @internal
 */
export interface FrameLayout {
  x: string | null
  time: boolean
  columns: string[]
}

/**
 * Points in columns: `x[i]` with `ys[c][i]` for column `c`; gaps (null, NaN) are null.
 * @internal
 */
export interface Points {
  x: number[]
  ys: (number | null)[][]
}

/**
 * The layout of a frame from its first chunk: `x` given or the first date/time column, and the
 * `columns` given or every numeric column but x.
 * @internal
 */
export function layoutOf(df: pl.DataFrame, name: string, want: { x?: string; columns?: string[] }): FrameLayout {
  const all = df.getColumns()
  const byName = new Map(all.map((s) => [s.name, s]))
  let x: string | null = null
  let time = false
  if (want.x !== undefined) {
    const s = byName.get(want.x)
    if (s === undefined)
      throw new Error(`serveDashboard: frame ${JSON.stringify(name)} has no column ${JSON.stringify(want.x)} for x`)
    x = want.x
    time = s.isDateTime()
    if (!time && !s.isNumeric())
      throw new Error(
        `serveDashboard: x column ${JSON.stringify(want.x)} of frame ${JSON.stringify(name)} is neither numeric nor a date/time`,
      )
  } else {
    const t = all.find((s) => s.isDateTime())
    if (t !== undefined) {
      x = t.name
      time = true
    }
  }
  let columns: string[]
  if (want.columns !== undefined) {
    for (const c of want.columns) {
      const s = byName.get(c)
      if (s === undefined)
        throw new Error(`serveDashboard: frame ${JSON.stringify(name)} has no column ${JSON.stringify(c)}`)
      if (!s.isNumeric())
        throw new Error(`serveDashboard: column ${JSON.stringify(c)} of frame ${JSON.stringify(name)} is not numeric`)
    }
    columns = [...want.columns]
  } else {
    columns = all.filter((s) => s.name !== x && s.isNumeric()).map((s) => s.name)
  }
  return { x, time, columns }
}

function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (typeof v === 'bigint') return Number(v)
  if (v instanceof Date) return v.getTime()
  return null
}

/**
 * The points of one chunk; `row` is the number of rows seen before it (x when there is no x column).
 * @internal
 */
export function pointsOf(df: pl.DataFrame, layout: FrameLayout, row: number): Points {
  const n = df.height
  const has = new Set(df.columns)
  let x: number[]
  if (layout.x === null || !has.has(layout.x)) {
    x = Array.from({ length: n }, (_, i) => row + i)
  } else {
    const raw = df.getColumn(layout.x).toArray() as unknown[]
    x = raw.map((v, i) => {
      const ms = num(v)
      if (ms === null) return row + i
      return layout.time ? ms / 1000 : ms
    })
  }
  // a chunk without one of the columns leaves a gap there
  const ys = layout.columns.map((c) =>
    has.has(c) ? (df.getColumn(c).toArray() as unknown[]).map(num) : new Array<null>(n).fill(null),
  )
  return { x, ys }
}

/**
 * The last `size` points of a frame, for pages that connect late.
 * @internal
 */
export class Backlog {
  readonly x: number[] = []
  readonly ys: (number | null)[][]
  constructor(
    readonly size: number,
    columns: number,
  ) {
    this.ys = Array.from({ length: columns }, () => [])
  }
  add(points: Points): Points {
    const from = Math.max(0, points.x.length - this.size)
    const kept: Points = { x: points.x.slice(from), ys: points.ys.map((y) => y.slice(from)) }
    for (const v of kept.x) this.x.push(v)
    kept.ys.forEach((y, c) => {
      const into = this.ys[c]
      if (into !== undefined) for (const v of y) into.push(v)
    })
    const over = this.x.length - this.size
    if (over > 0) {
      this.x.splice(0, over)
      for (const y of this.ys) y.splice(0, over)
    }
    return kept
  }
}
