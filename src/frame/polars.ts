import pl from 'nodejs-polars'

/**
 * A Polars column expression (nodejs-polars `pl.col`), re-exported so frame code needs one import.
 * @example
 * ```ts
 * import { col, lit } from 'streamz-ts/frame'
 * sdf.filter(col('amount').gt(lit(100))).withColumns(col('amount').mul(lit(2)).alias('double'))
 * ```
 */
export const col: typeof pl.col = pl.col

/**
 * A Polars literal expression (nodejs-polars `pl.lit`), re-exported so frame code needs one import.
 * @example
 * ```ts
 * import { col, lit } from 'streamz-ts/frame'
 * sdf.filter(col('name').eq(lit('Alice')))
 * ```
 */
export const lit: typeof pl.lit = pl.lit
