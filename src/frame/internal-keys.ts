/** Map keys for values of any column: dates by their time, everything else as it is. @internal */
export function mapKey(v: unknown): unknown {
  return v instanceof Date ? `\u0000date:${String(v.getTime())}` : v
}

/** The value behind a key of {@link mapKey}. @internal */
export function fromKey(k: unknown): unknown {
  return typeof k === 'string' && k.startsWith('\u0000date:') ? new Date(Number(k.slice(6))) : k
}

/** Ascending, nulls first (as Polars sorts). @internal */
export function compareKeys(a: unknown, b: unknown): number {
  if (a === b) return 0
  if (a === null || a === undefined) return -1
  if (b === null || b === undefined) return 1
  const x = fromKey(a)
  const y = fromKey(b)
  const xa = x instanceof Date ? x.getTime() : x
  const ya = y instanceof Date ? y.getTime() : y
  if (typeof xa === 'number' && typeof ya === 'number') return xa - ya
  if (typeof xa === 'bigint' && typeof ya === 'bigint') return xa < ya ? -1 : 1
  const sa = typeof xa === 'string' ? xa : JSON.stringify(xa)
  const sb = typeof ya === 'string' ? ya : JSON.stringify(ya)
  return sa < sb ? -1 : sa > sb ? 1 : 0
}

/** Key tuples compared column by column. @internal */
export function compareKeyLists(a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareKeys(a[i], b[i])
    if (c !== 0) return c
  }
  return 0
}
