import pl from 'nodejs-polars'
import { checkInteger, fail, show } from '../internal/check.js'
import { StreamingFrame } from './frame.js'
import { Backlog } from './internal-backlog.js'
import type { Bounds } from './internal-columns.js'
import { valueColumns } from './internal-columns.js'
import { compareKeyLists } from './internal-keys.js'

type GroupStat = 'sum' | 'mean' | 'count' | 'size' | 'var' | 'std'

/** One value column of one group: count, sum, mean and sum of squared deviations of its non-missing values. */
interface Moments {
  n: number
  sum: number
  mean: number
  m2: number
}

interface Group {
  readonly keys: readonly unknown[]
  size: number
  readonly cols: Moments[]
}

/**
 * Groupby-aggregations inside a {@link Window} (Streamz `WindowedGroupBy`), made with
 * `sdf.window(spec).groupBy(keys)`: per group, the count, sum, mean and sum of squared deviations of each
 * value column, updated as rows enter the window (the chunk aggregated by Polars, then merged with Chan's
 * formulas) and as they leave (the same, inverted). A group with no row left in the window is dropped.
 * Each aggregation emits, after each chunk, a frame with the key columns and one column per value column
 * (`size()`: a `size` column), one row per group, sorted by the keys. Missing values (null, NaN) are not
 * counted, as pandas.
 * @example
 * ```ts
 * sdf.window({ n: 1000 }).groupBy('name').col('amount').mean()
 * sdf.window({ value: '2h', on: 'time' }).groupBy(['region', 'name']).size()
 * ```
 */
export class WindowGroupBy {
  readonly #frame: StreamingFrame
  readonly #bounds: () => Bounds
  readonly #keys: readonly string[]
  readonly #columns: readonly string[] | undefined

  /** @internal (use `sdf.window(spec).groupBy(keys)`) */
  constructor(
    frame: StreamingFrame,
    bounds: () => Bounds,
    keys: string | readonly string[],
    columns: readonly string[] | undefined,
  ) {
    const op = 'window.groupBy'
    const ks = typeof keys === 'string' ? [keys] : keys
    if (!Array.isArray(ks) || ks.length === 0 || ks.some((k) => typeof k !== 'string'))
      fail(TypeError, op, 'keys', 'a column name or an array of them', keys)
    valueColumns(op, frame.example, ks, [], false)
    this.#frame = frame
    this.#bounds = bounds
    this.#keys = ks
    this.#columns = columns?.filter((c) => !ks.includes(c))
  }

  /**
   * Aggregate only these columns (Streamz `groupby('name').amount`).
   * @param columns - column names, or arrays of them (`col('x', 'y')` or `col(['x', 'y'])`)
   * @example
   * ```ts
   * sdf.window({ n: 100 }).groupBy('name').col('amount', 'fee').sum()
   * ```
   */
  col(...columns: (string | readonly string[])[]): WindowGroupBy {
    const names = columns.flat()
    if (names.length === 0 || names.some((c) => typeof c !== 'string'))
      fail(
        TypeError,
        'window.groupBy.col',
        'columns',
        'column names (or arrays of them)',
        columns.length === 0 ? undefined : columns,
      )
    return new WindowGroupBy(this.#frame, this.#bounds, this.#keys, names)
  }

  /**
   * Sum per group.
   * @example
   * ```ts
   * sdf.window({ n: 100 }).groupBy('name').col('amount').sum()
   * ```
   */
  sum(): StreamingFrame {
    return this.#run('sum', 0)
  }

  /**
   * Mean per group (null for a group whose values are all missing).
   * @example
   * ```ts
   * sdf.window({ n: 100 }).groupBy('name').col('amount').mean()
   * ```
   */
  mean(): StreamingFrame {
    return this.#run('mean', 0)
  }

  /**
   * Number of non-missing values per group.
   * @example
   * ```ts
   * sdf.window({ n: 100 }).groupBy('name').col('amount').count()
   * ```
   */
  count(): StreamingFrame {
    return this.#run('count', 0)
  }

  /**
   * Number of rows per group (a `size` column).
   * @example
   * ```ts
   * sdf.window({ value: '1h', on: 'time' }).groupBy('name').size()
   * ```
   */
  size(): StreamingFrame {
    return this.#run('size', 0)
  }

  /**
   * Variance per group (`ddof` 1 by default; null with `ddof` values or fewer).
   * @param ddof - delta degrees of freedom
   * @example
   * ```ts
   * sdf.window({ n: 100 }).groupBy('name').col('amount').var()
   * ```
   */
  var(ddof = 1): StreamingFrame {
    checkInteger('window.groupBy.var', 'ddof', ddof, 0)
    return this.#run('var', ddof)
  }

  /**
   * Standard deviation per group (`ddof` 1 by default).
   * @param ddof - delta degrees of freedom
   * @example
   * ```ts
   * sdf.window({ n: 100 }).groupBy('name').col('amount').std()
   * ```
   */
  std(ddof = 1): StreamingFrame {
    checkInteger('window.groupBy.std', 'ddof', ddof, 0)
    return this.#run('std', ddof)
  }

  #run(stat: GroupStat, ddof: number): StreamingFrame {
    const op = `window.groupBy.${stat}`
    const keys = this.#keys
    const ex = this.#frame.example
    const cols = stat === 'size' ? [] : valueColumns(op, ex, this.#columns, keys)
    const schema = ex.schema as Record<string, pl.DataType>
    const outType = stat === 'count' ? pl.Int64 : pl.Float64
    const outNames = stat === 'size' ? ['size'] : cols
    for (const c of outNames)
      if (keys.includes(c)) throw new TypeError(`${op}: the result column ${show(c)} would clash with a key`)
    const example = pl.DataFrame([
      ...keys.map((k) => pl.Series(k, [], schema[k])),
      ...outNames.map((c) => pl.Series(c, [], stat === 'size' ? pl.Int64 : outType)),
    ])
    const aggs = [
      pl.len().alias('__size'),
      ...cols.flatMap((c, i) => {
        const x = pl.col(c).cast(pl.Float64).fillNan(null)
        return [x.count().alias(`__n${i}`), x.sum().alias(`__s${i}`), x.sub(x.mean()).pow(2).sum().alias(`__m${i}`)]
      }),
    ]
    const value = (m: Moments): number | null => {
      switch (stat) {
        case 'sum':
          return m.sum
        case 'mean':
          return m.n > 0 ? m.mean : null
        case 'count':
          return m.n
        default: {
          if (m.n <= ddof) return null
          const v = Math.max(m.m2, 0) / (m.n - ddof)
          return stat === 'std' ? Math.sqrt(v) : v
        }
      }
    }
    const source = this.#frame.stream
    const makeBounds = this.#bounds
    async function* windowGroupByStage(): AsyncGenerator<pl.DataFrame, void, undefined> {
      const bounds = makeBounds()
      const backlog = new Backlog()
      const groups = new Map<string, Group>()
      const fold = (df: pl.DataFrame, sign: 1 | -1): void => {
        if (df.height === 0) return
        const rows = df
          .groupBy([...keys])
          .agg(...aggs)
          .toRecords()
        for (const r of rows) {
          const kv = keys.map((k): unknown => r[k])
          const id = JSON.stringify(
            kv.map((v) => (v instanceof Date ? v.getTime() : typeof v === 'bigint' ? String(v) : v)),
          )
          let g = groups.get(id)
          if (g === undefined) {
            g = { keys: kv, size: 0, cols: cols.map(() => ({ n: 0, sum: 0, mean: 0, m2: 0 })) }
            groups.set(id, g)
          }
          g.size += sign * (r.__size as number)
          if (g.size <= 0) {
            groups.delete(id)
            continue
          }
          cols.forEach((_, i) => {
            const nb = r[`__n${i}`] as number
            if (nb === 0) return
            const m = g.cols[i] as Moments
            const sb = (r[`__s${i}`] as number | null) ?? 0
            const m2b = (r[`__m${i}`] as number | null) ?? 0
            merge(m, sign, nb, sb, m2b)
          })
        }
      }
      for await (const chunk of source) {
        const start = bounds.chunkStart(chunk)
        backlog.push(chunk)
        fold(chunk, 1)
        for (const gone of backlog.evictTo(start)) fold(gone, -1)
        const list = [...groups.values()].sort((a, b) => compareKeyLists(a.keys, b.keys))
        yield pl.DataFrame([
          ...keys.map((k, j) =>
            pl.Series(
              k,
              list.map((g) => g.keys[j]),
              schema[k],
            ),
          ),
          ...(stat === 'size'
            ? [
                pl.Series(
                  'size',
                  list.map((g) => g.size),
                  pl.Int64,
                ),
              ]
            : cols.map((c, i) =>
                pl.Series(
                  c,
                  list.map((g) => value(g.cols[i] as Moments)),
                  outType,
                ),
              )),
        ])
      }
    }
    return new StreamingFrame({ [Symbol.asyncIterator]: windowGroupByStage }, example)
  }
}

/** Add (sign 1) or take out (sign -1) a batch of nb values with sum sb and squared deviations m2b. */
function merge(m: Moments, sign: 1 | -1, nb: number, sb: number, m2b: number): void {
  const mb = sb / nb
  if (sign === 1) {
    const n = m.n + nb
    const delta = mb - m.mean
    m.mean += (delta * nb) / n
    m.m2 += m2b + (delta * delta * m.n * nb) / n
    m.n = n
    m.sum += sb
    return
  }
  const n = m.n - nb
  if (n <= 0) {
    m.n = 0
    m.sum = 0
    m.mean = 0
    m.m2 = 0
    return
  }
  const mean = (m.n * m.mean - sb) / n
  const delta = mb - mean
  m.m2 -= m2b + (delta * delta * n * nb) / m.n
  if (m.m2 < 0) m.m2 = 0
  m.mean = mean
  m.n = n
  m.sum -= sb
}
