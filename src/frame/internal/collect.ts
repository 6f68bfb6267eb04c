import type pl from 'nodejs-polars'

/** One pending elementwise step: a function of the chunk's lazy plan. @internal */
export type LazyStep = (lf: pl.LazyDataFrame) => pl.LazyDataFrame

/** Run `steps` over `df` as one lazy plan: a single collect. @internal */
export function collect(df: pl.DataFrame, steps: readonly LazyStep[]): pl.DataFrame {
  let lf = df.lazy()
  for (const step of steps) lf = step(lf)
  return lf.collectSync()
}
