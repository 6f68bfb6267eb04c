import pl from 'nodejs-polars'
import { isFloat, isInteger } from './internal/dtypes.js'
import { nativeColumn } from './internal-native.js'

/**
 * The fast path of the running groupby (one key column): the state lives in JavaScript typed arrays, one slot
 * per group, and a chunk costs a few calls into Polars (read the key codes and the value columns, build the
 * result) plus one JavaScript loop per column. Grouping each chunk in a Polars plan, merging it with the
 * state and sorting costs several times more (about 1 ms per 10,000-row chunk), mostly in plan overhead.
 *
 * Results follow the Polars path of `groupby.ts` exactly, which stays the reference (and the path for several
 * keys and other key dtypes): a null value is skipped, NaN is a value (it propagates through sum, mean and
 * var; min and max skip it unless a group has nothing else), integer sums wrap at the width of their dtype as
 * Polars' do, and groups come sorted by key as Polars sorts them.
 *
 * It works on nodejs-polars 0.25's native series (`df._df.column(name)`, the methods below); when they are
 * missing, {@link fastGroupBy} returns undefined and the caller keeps the Polars path.
 * @internal
 */
interface NSeries {
  readonly dtype: unknown
  readonly name: string
  len(): number
  nullCount(): number
  /** A copy of the values: throws on nulls (fill them first). */
  toTypedArray(): unknown
  cast(dtype: pl.DataType, strict: boolean): NSeries
  toPhysical(): NSeries
  fillNull(strategy: 'zero'): NSeries
  isNull(): NSeries
  take(indices: number[]): NSeries
  takeWithSeries(indices: NSeries): NSeries
  append(other: NSeries): void
  argsort(descending: boolean, nullsLast: boolean, multithreaded: boolean, maintainOrder: boolean): NSeries
}

/** The native series constructors from typed arrays (they copy the values). */
interface NSeriesClass {
  newFloat64Array(name: string, values: Float64Array): NSeries
  newFloat32Array(name: string, values: Float32Array): NSeries
  newInt8Array(name: string, values: Int8Array): NSeries
  newInt16Array(name: string, values: Int16Array): NSeries
  newInt32Array(name: string, values: Int32Array): NSeries
  newUint8Array(name: string, values: Uint8Array): NSeries
  newUint16Array(name: string, values: Uint16Array): NSeries
  newUint32Array(name: string, values: Uint32Array): NSeries
  newBigint64Array(name: string, values: BigInt64Array): NSeries
  newBiguint64Array(name: string, values: BigUint64Array): NSeries
}

const SERIES_METHODS = [
  'len',
  'nullCount',
  'toTypedArray',
  'cast',
  'toPhysical',
  'fillNull',
  'isNull',
  'take',
  'takeWithSeries',
  'append',
  'argsort',
] as const
const CLASS_METHODS = [
  'newFloat64Array',
  'newFloat32Array',
  'newInt8Array',
  'newInt16Array',
  'newInt32Array',
  'newUint8Array',
  'newUint16Array',
  'newUint32Array',
  'newBigint64Array',
  'newBiguint64Array',
] as const

let seriesClass: NSeriesClass | null | undefined

/** The native series class, or null when this nodejs-polars lacks a method the fast path calls. */
function nativeClass(): NSeriesClass | null {
  if (seriesClass === undefined) {
    const s = nativeColumn(pl.DataFrame([pl.Series('x', [0], pl.Float64)]), 'x') as unknown as
      Record<string, unknown> | undefined
    const ctor = s?.constructor as unknown as Record<string, unknown> | undefined
    const ok =
      s !== undefined &&
      ctor !== undefined &&
      SERIES_METHODS.every((m) => typeof s[m] === 'function') &&
      CLASS_METHODS.every((m) => typeof ctor[m] === 'function')
    seriesClass = ok ? (ctor as unknown as NSeriesClass) : null
  }
  return seriesClass
}

function column(df: pl.DataFrame, name: string): NSeries {
  return nativeColumn(df, name) as unknown as NSeries
}

// (nodejs-polars makes a new DataType object at each `pl.Categorical`: made once here)
const CATEGORICAL = pl.Categorical
const UINT8 = pl.UInt8

/** Where a column is null: 1 per null row, or undefined when it has none. */
function nullMask(s: NSeries): Uint8Array | undefined {
  if (s.nullCount() === 0) return undefined
  return s.isNull().cast(UINT8, true).toTypedArray() as Uint8Array
}

/** Little-endian: the two 32-bit halves of a 64-bit integer are (low, high) in memory. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

/** 2^53: integers of at most this magnitude are exact as doubles. */
const EXACT = 2 ** 53

// ---------------------------------------------------------------------------------------------------------
// Group slots: each distinct key gets the next slot (0, 1, 2, ...) the first time it is seen.

/** Gives each row of a chunk its group's slot. */
interface Keyer {
  /** Slots seen so far. */
  readonly size: number
  /**
   * Write each row's slot into `slots` (-1 where the key is null), giving new keys the next slots; the row of
   * each new key's first appearance goes into `firsts`, in slot order.
   */
  assign(key: NSeries, height: number, slots: Int32Array, firsts: number[]): void
}

/**
 * String or Categorical keys, by their categorical codes. Casting a String column to Categorical (or reading
 * a Categorical's codes) is the cheapest way out of Polars to a number per row (a cast and a copy, about
 * 0.13 ms for 10,000 rows; hashing the strings in Polars and reading the hashes is cheaper but not exact).
 * In Polars 0.54 (nodejs-polars 0.25) every Categorical shares one global string-to-code mapping, so a
 * string keeps its code from chunk to chunk, but only while some Categorical series holds the mapping: when
 * none is left, it is freed and the next cast numbers strings from 0 again. `pinned` keeps one alive for as
 * long as this keyer lives.
 */
class CodeKeyer implements Keyer {
  size = 0
  /** Slot per code, -1 for a code not seen yet. */
  #slotOf: Int32Array = new Int32Array(0)
  /** Never read: holding it keeps the global mapping alive (see above). */
  pinned: NSeries | undefined

  assign(key: NSeries, height: number, slots: Int32Array, firsts: number[]): void {
    const cat = key.cast(CATEGORICAL, false) // the same series for a Categorical column
    this.pinned ??= cat
    const nulls = nullMask(cat)
    const physical = cat.toPhysical()
    const codes = (nulls === undefined ? physical : physical.fillNull('zero')).toTypedArray() as Uint32Array
    let slotOf = this.#slotOf
    for (let i = 0; i < height; i++) {
      if (nulls !== undefined && nulls[i] === 1) {
        slots[i] = -1
        continue
      }
      const code = codes[i] as number
      if (code >= slotOf.length) slotOf = this.#grow(code)
      let g = slotOf[code] as number
      if (g < 0) {
        g = this.size++
        slotOf[code] = g
        firsts.push(i)
      }
      slots[i] = g
    }
  }

  #grow(code: number): Int32Array {
    const next = new Int32Array(Math.max(1024, code + 1, this.#slotOf.length * 2)).fill(-1)
    next.set(this.#slotOf)
    return (this.#slotOf = next)
  }
}

/**
 * Integer keys of any width, by an open-addressing hash table over their bits (two 32-bit words: the value
 * itself for 32 bits and less, the two halves of a 64-bit one).
 */
class IntKeyer implements Keyer {
  size = 0
  #mask = 0
  /** Per table entry: the key's two words and its slot (-1: empty entry). */
  #lo: Int32Array = new Int32Array(0)
  #hi: Int32Array = new Int32Array(0)
  #slot: Int32Array = new Int32Array(0)

  constructor() {
    this.#rehash(1024)
  }

  /** Narrow integers as Int32 (a UInt32 keeps its bits), so the loop below reads one array type. */
  #narrow: Int32Array = new Int32Array(0)

  assign(key: NSeries, height: number, slots: Int32Array, firsts: number[]): void {
    const nulls = nullMask(key)
    const raw = (nulls === undefined ? key : key.fillNull('zero')).toTypedArray() as
      Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array
    let words: Int32Array
    let wide: boolean
    if (raw instanceof BigInt64Array || raw instanceof BigUint64Array) {
      words = new Int32Array(raw.buffer, raw.byteOffset, height * 2)
      wide = true
    } else if (raw instanceof Int32Array) {
      words = raw
      wide = false
    } else {
      if (this.#narrow.length < height) this.#narrow = new Int32Array(height)
      words = this.#narrow
      words.set(raw)
      wide = false
    }
    // the table in locals (re-read after an insert, which may rehash)
    let [tlo, thi, tslot, mask] = [this.#lo, this.#hi, this.#slot, this.#mask]
    for (let i = 0; i < height; i++) {
      if (nulls !== undefined && nulls[i] === 1) {
        slots[i] = -1
        continue
      }
      const lo = wide ? (words[2 * i] as number) : (words[i] as number)
      const hi = wide ? (words[2 * i + 1] as number) : 0
      let at = hash(lo, hi) & mask
      for (;;) {
        const g = tslot[at] as number
        if (g >= 0 && tlo[at] === lo && thi[at] === hi) {
          slots[i] = g
          break
        }
        if (g < 0) {
          slots[i] = this.#insert(at, lo, hi)
          firsts.push(i)
          ;[tlo, thi, tslot, mask] = [this.#lo, this.#hi, this.#slot, this.#mask]
          break
        }
        at = (at + 1) & mask
      }
    }
  }

  #insert(at: number, lo: number, hi: number): number {
    const g = this.size++
    this.#lo[at] = lo
    this.#hi[at] = hi
    this.#slot[at] = g
    // at most half full, so probes stay short
    if (2 * this.size > this.#slot.length) this.#rehash(this.#slot.length * 2)
    return g
  }

  #rehash(capacity: number): void {
    const [lo, hi, slot] = [this.#lo, this.#hi, this.#slot]
    this.#lo = new Int32Array(capacity)
    this.#hi = new Int32Array(capacity)
    this.#slot = new Int32Array(capacity).fill(-1)
    this.#mask = capacity - 1
    for (let j = 0; j < slot.length; j++) {
      const g = slot[j] as number
      if (g < 0) continue
      let at = hash(lo[j] as number, hi[j] as number) & this.#mask
      while ((this.#slot[at] as number) >= 0) at = (at + 1) & this.#mask
      this.#lo[at] = lo[j] as number
      this.#hi[at] = hi[j] as number
      this.#slot[at] = g
    }
  }
}

function hash(lo: number, hi: number): number {
  const h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1)
  return h ^ (h >>> 15)
}

/** The keys of the groups, as a Polars series in slot order, and their sorted order. */
class GroupKeys {
  /** Keys in slot order (never emitted: it grows in place). */
  #keys: NSeries | undefined
  /** Slots in output order (sorted by key, as Polars sorts). */
  order: Uint32Array = new Uint32Array(0)
  /** The key column of the output: the keys in output order. */
  sorted: NSeries

  constructor(empty: NSeries) {
    this.sorted = empty
  }

  /** Add the keys of new groups: the rows `firsts` of this chunk's key column, in slot order. */
  add(key: NSeries, firsts: number[]): void {
    const fresh = key.take(firsts)
    if (this.#keys === undefined) this.#keys = fresh
    else this.#keys.append(fresh)
    const order = this.#keys.argsort(false, false, false, false)
    this.order = order.toTypedArray() as Uint32Array
    this.sorted = this.#keys.takeWithSeries(order)
  }
}

// ---------------------------------------------------------------------------------------------------------
// Value columns read as doubles.

/** A chunk's value column as doubles, with its null rows (null values read as 0). */
interface Numbers {
  readonly values: Float64Array
  readonly nulls: Uint8Array | undefined
  /** 64-bit integer columns: the exact values (`values` holds them rounded when `exact` is false). */
  readonly raw: BigInt64Array | BigUint64Array | undefined
  /** Every value is exactly its double (always so but for 64-bit integers beyond 2^53). */
  readonly exact: boolean
}

/** Reads one numeric column per chunk as doubles, reusing its conversion buffer. */
class NumberReader {
  #buffer: Float64Array = new Float64Array(0)

  constructor(readonly name: string) {}

  read(df: pl.DataFrame): Numbers {
    const s = column(df, this.name)
    const nulls = nullMask(s)
    const raw = (nulls === undefined ? s : s.fillNull('zero')).toTypedArray() as
      Float64Array | Float32Array | Int32Array | BigInt64Array | BigUint64Array
    if (raw instanceof Float64Array) return { values: raw, nulls, raw: undefined, exact: true }
    let out = this.#buffer
    if (out.length !== raw.length) this.#buffer = out = new Float64Array(raw.length)
    if (!(raw instanceof BigInt64Array || raw instanceof BigUint64Array)) {
      out.set(raw)
      return { values: out, nulls, raw: undefined, exact: true }
    }
    return { values: out, nulls, raw, exact: wideToDoubles(raw, out) }
  }
}

/**
 * 64-bit integers to doubles, from their two 32-bit halves (converting each BigInt costs far more); whether
 * all were exact (within ±2^53). Beyond that, or on a big-endian machine, each value is converted as a
 * BigInt (rounded, as Polars casts it).
 */
function wideToDoubles(raw: BigInt64Array | BigUint64Array, out: Float64Array): boolean {
  const n = raw.length
  if (LITTLE_ENDIAN) {
    const w = new Int32Array(raw.buffer, raw.byteOffset, 2 * n)
    const signed = raw instanceof BigInt64Array
    let exact = true
    for (let i = 0; i < n; i++) {
      const hi = w[2 * i + 1] as number
      // |value| < 2^53 when the high word is in [-2^21, 2^21)
      if (hi < -0x200000 || hi >= 0x200000 || (!signed && hi < 0)) {
        exact = false
        break
      }
      out[i] = hi * 4294967296 + ((w[2 * i] as number) >>> 0)
    }
    if (exact) return true
  }
  for (let i = 0; i < n; i++) out[i] = Number(raw[i])
  return false
}

// ---------------------------------------------------------------------------------------------------------
// Accumulators: one per output column, each keeping its statistics per slot.

/** A chunk, as every accumulator sees it. */
interface Rows {
  readonly df: pl.DataFrame
  readonly height: number
  /** Per row, its group's slot; -1 for a null key (the row is left out). */
  readonly slots: Int32Array
  /** Groups so far (slots 0 .. groups - 1). */
  readonly groups: number
}

/** One output column, for `pl.DataFrame([...])`: a native series under its name. */
interface Part {
  readonly name: string
  readonly _s: NSeries
}

interface Accumulator {
  /** Add a chunk's rows into the per-slot statistics. */
  add(rows: Rows): void
  /** The output column: one value per group, in `order`. */
  emit(order: Uint32Array): Part
}

/** Float64Array of at least `n` entries (new ones `fill`), keeping the values. */
function grow(a: Float64Array, n: number, fill = 0): Float64Array {
  if (a.length >= n) return a
  const b = new Float64Array(Math.max(n, 2 * a.length, 64))
  if (fill !== 0) b.fill(fill, a.length)
  b.set(a)
  return b
}

/** The same kind of array with at least `n` entries (new ones 0), keeping the values. */
function growBig(a: BigInt64Array | BigUint64Array, n: number): BigInt64Array | BigUint64Array {
  if (a.length >= n) return a
  const size = Math.max(n, 2 * a.length, 64)
  if (a instanceof BigUint64Array) {
    const b = new BigUint64Array(size)
    b.set(a)
    return b
  }
  const b = new BigInt64Array(size)
  b.set(a)
  return b
}

/** How {@link emitDoubles} makes a series of each output dtype from its doubles. */
const OUTPUT: Record<string, (cls: NSeriesClass, name: string, out: Float64Array) => NSeries> = {
  Float64: (cls, name, out) => cls.newFloat64Array(name, out),
  Float32: (cls, name, out) => cls.newFloat32Array(name, Float32Array.from(out)),
  Int8: (cls, name, out) => cls.newInt8Array(name, Int8Array.from(out)),
  Int16: (cls, name, out) => cls.newInt16Array(name, Int16Array.from(out)),
  Int32: (cls, name, out) => cls.newInt32Array(name, Int32Array.from(out)),
  UInt8: (cls, name, out) => cls.newUint8Array(name, Uint8Array.from(out)),
  UInt16: (cls, name, out) => cls.newUint16Array(name, Uint16Array.from(out)),
  UInt32: (cls, name, out) => cls.newUint32Array(name, Uint32Array.from(out)),
  Int64: (cls, name, out) =>
    cls.newBigint64Array(
      name,
      BigInt64Array.from(out, (x) => BigInt(x)),
    ),
  UInt64: (cls, name, out) =>
    cls.newBiguint64Array(
      name,
      BigUint64Array.from(out, (x) => BigInt(x)),
    ),
}

/** Doubles per group (null where `valid` is 0) as a series of the output dtype. */
function emitDoubles(
  cls: NSeriesClass,
  name: string,
  dtype: string,
  order: Uint32Array,
  at: (g: number) => number,
  valid?: (g: number) => boolean,
): Part {
  const n = order.length
  const out = new Float64Array(n)
  let nulls: number[] | undefined
  for (let j = 0; j < n; j++) {
    const g = order[j] as number
    if (valid !== undefined && !valid(g)) (nulls ??= []).push(j)
    else out[j] = at(g)
  }
  const make = OUTPUT[dtype]
  if (make === undefined) throw new Error(`groupBy: no fast output for dtype ${dtype}`)
  const s = make(cls, name, out)
  return { name, _s: nulls === undefined ? s : withNulls(s, nulls) }
}

/** The series with nulls at rows `nulls` (by gathering with null indices: rare, so the public API). */
function withNulls(s: NSeries, nulls: readonly number[]): NSeries {
  const idx: (number | null)[] = Array.from({ length: s.len() }, (_, j) => j)
  for (const j of nulls) idx[j] = null
  return s.takeWithSeries((pl.Series('i', idx, pl.UInt32) as unknown as { _s: NSeries })._s)
}

/** `size`: rows per group (null values included). */
class SizeAcc implements Accumulator {
  #rows: Float64Array = new Float64Array(0)
  constructor(
    readonly cls: NSeriesClass,
    readonly name: string,
  ) {}
  add({ height, slots, groups }: Rows): void {
    const rows = (this.#rows = grow(this.#rows, groups))
    for (let i = 0; i < height; i++) {
      const g = slots[i] as number
      if (g >= 0) rows[g] = (rows[g] as number) + 1
    }
  }
  emit(order: Uint32Array): Part {
    const rows = this.#rows
    return emitDoubles(this.cls, this.name, 'Int64', order, (g) => rows[g] as number)
  }
}

/** `count`: non-null values per group, of a column of any dtype. */
class CountAcc implements Accumulator {
  #n: Float64Array = new Float64Array(0)
  constructor(
    readonly cls: NSeriesClass,
    readonly name: string,
  ) {}
  add({ df, height, slots, groups }: Rows): void {
    const n = (this.#n = grow(this.#n, groups))
    const nulls = nullMask(column(df, this.name))
    for (let i = 0; i < height; i++) {
      const g = slots[i] as number
      if (g >= 0 && (nulls === undefined || nulls[i] === 0)) n[g] = (n[g] as number) + 1
    }
  }
  emit(order: Uint32Array): Part {
    const n = this.#n
    return emitDoubles(this.cls, this.name, 'Int64', order, (g) => n[g] as number)
  }
}

/** `sum` of a float column and `mean` of any numeric one: count and sum per group. */
class SumAcc implements Accumulator {
  #n: Float64Array = new Float64Array(0)
  #s: Float64Array = new Float64Array(0)
  readonly #reader: NumberReader
  constructor(
    readonly cls: NSeriesClass,
    readonly name: string,
    readonly mean: boolean,
    readonly dtype: string,
  ) {
    this.#reader = new NumberReader(name)
  }
  add({ df, height, slots, groups }: Rows): void {
    const n = (this.#n = grow(this.#n, groups))
    const s = (this.#s = grow(this.#s, groups))
    const { values, nulls } = this.#reader.read(df)
    for (let i = 0; i < height; i++) {
      const g = slots[i] as number
      if (g < 0 || (nulls !== undefined && nulls[i] === 1)) continue
      n[g] = (n[g] as number) + 1
      s[g] = (s[g] as number) + (values[i] as number)
    }
  }
  emit(order: Uint32Array): Part {
    const [n, s] = [this.#n, this.#s]
    return this.mean
      ? emitDoubles(
          this.cls,
          this.name,
          'Float64',
          order,
          (g) => (s[g] as number) / (n[g] as number),
          (g) => (n[g] as number) > 0,
        )
      : emitDoubles(this.cls, this.name, this.dtype, order, (g) => s[g] as number)
  }
}

/**
 * `sum` of an integer column, exact and wrapping at the width of the sum's dtype as Polars' sum does: a
 * 32-bit sum is kept wrapped in a double; a 64-bit one in a BigInt64Array (or BigUint64Array), whose stores
 * wrap, fed once per chunk and group with the chunk's partial sum (exact as a double while the chunk's
 * values add up to less than 2^53 in magnitude; otherwise the chunk is summed row by row as BigInts).
 */
class IntSumAcc implements Accumulator {
  #s: Float64Array = new Float64Array(0)
  #big: BigInt64Array | BigUint64Array
  #part: Float64Array = new Float64Array(0)
  readonly #reader: NumberReader
  readonly #wide: boolean
  constructor(
    readonly cls: NSeriesClass,
    readonly name: string,
    /** The dtype of the sum: Int32, UInt32, Int64 or UInt64. */
    readonly dtype: string,
  ) {
    this.#reader = new NumberReader(name)
    this.#wide = dtype === 'Int64' || dtype === 'UInt64'
    this.#big = dtype === 'UInt64' ? new BigUint64Array(0) : new BigInt64Array(0)
  }
  add({ df, height, slots, groups }: Rows): void {
    const { values, nulls, raw, exact } = this.#reader.read(df)
    if (!this.#wide) {
      const s = (this.#s = grow(this.#s, groups))
      const unsigned = this.dtype === 'UInt32'
      for (let i = 0; i < height; i++) {
        const g = slots[i] as number
        if (g < 0 || (nulls !== undefined && nulls[i] === 1)) continue
        const t = (s[g] as number) + (values[i] as number)
        s[g] = unsigned ? t >>> 0 : t | 0
      }
      return
    }
    const big = (this.#big = growBig(this.#big, groups))
    const part = (this.#part = grow(this.#part, groups))
    part.fill(0, 0, groups)
    let abs = 0
    for (let i = 0; i < height; i++) {
      const g = slots[i] as number
      if (g < 0 || (nulls !== undefined && nulls[i] === 1)) continue
      const x = values[i] as number
      part[g] = (part[g] as number) + x
      abs += Math.abs(x)
    }
    if (exact && abs < EXACT) {
      for (let g = 0; g < groups; g++) {
        const p = part[g] as number
        if (p !== 0) big[g] = (big[g] as bigint) + BigInt(p)
      }
      return
    }
    // rare: values or partial sums past 2^53, summed exactly
    for (let i = 0; i < height; i++) {
      const g = slots[i] as number
      if (g < 0 || (nulls !== undefined && nulls[i] === 1)) continue
      big[g] = (big[g] as bigint) + (raw === undefined ? BigInt(values[i] as number) : (raw[i] as bigint))
    }
  }
  emit(order: Uint32Array): Part {
    if (!this.#wide) {
      const s = this.#s
      return emitDoubles(this.cls, this.name, this.dtype, order, (g) => s[g] as number)
    }
    const big = this.#big
    if (big instanceof BigUint64Array) {
      const out = new BigUint64Array(order.length)
      for (let j = 0; j < order.length; j++) out[j] = big[order[j] as number] as bigint
      return { name: this.name, _s: this.cls.newBiguint64Array(this.name, out) }
    }
    const out = new BigInt64Array(order.length)
    for (let j = 0; j < order.length; j++) out[j] = big[order[j] as number] as bigint
    return { name: this.name, _s: this.cls.newBigint64Array(this.name, out) }
  }
}

/**
 * `min` or `max`: NaN is skipped unless a group has only NaN (as Polars), null for a group with no value.
 * Kept as doubles; for a 64-bit integer column also the exact extreme, which matters only when values are
 * past 2^53 (then two different values can have the same double).
 */
class MinMaxAcc implements Accumulator {
  #n: Float64Array = new Float64Array(0)
  #v: Float64Array = new Float64Array(0)
  #exact: BigInt64Array | BigUint64Array | undefined
  readonly #reader: NumberReader
  constructor(
    readonly cls: NSeriesClass,
    readonly name: string,
    readonly max: boolean,
    readonly dtype: string,
  ) {
    this.#reader = new NumberReader(name)
    if (dtype === 'Int64') this.#exact = new BigInt64Array(0)
    if (dtype === 'UInt64') this.#exact = new BigUint64Array(0)
  }
  add({ df, height, slots, groups }: Rows): void {
    const n = (this.#n = grow(this.#n, groups))
    const v = (this.#v = grow(this.#v, groups, NaN))
    const { values, nulls, raw, exact } = this.#reader.read(df)
    const big = (this.#exact = this.#exact === undefined ? undefined : growBig(this.#exact, groups))
    const max = this.max
    for (let i = 0; i < height; i++) {
      const g = slots[i] as number
      if (g < 0 || (nulls !== undefined && nulls[i] === 1)) continue
      n[g] = (n[g] as number) + 1
      const x = values[i] as number
      const cur = v[g] as number
      if ((max ? x > cur : x < cur) || cur !== cur) {
        v[g] = x
        if (big !== undefined && raw !== undefined) big[g] = raw[i] as bigint
      } else if (!exact && x === cur && big !== undefined && raw !== undefined) {
        const r = raw[i] as bigint
        if (max ? r > (big[g] as bigint) : r < (big[g] as bigint)) big[g] = r
      }
    }
  }
  emit(order: Uint32Array): Part {
    const [n, v, big] = [this.#n, this.#v, this.#exact]
    const valid = (g: number): boolean => (n[g] as number) > 0
    if (big === undefined) return emitDoubles(this.cls, this.name, this.dtype, order, (g) => v[g] as number, valid)
    const nulls: number[] = []
    const out = big instanceof BigUint64Array ? new BigUint64Array(order.length) : new BigInt64Array(order.length)
    for (let j = 0; j < order.length; j++) {
      const g = order[j] as number
      if (valid(g)) out[j] = big[g] as bigint
      else nulls.push(j)
    }
    const s =
      out instanceof BigUint64Array
        ? this.cls.newBiguint64Array(this.name, out)
        : this.cls.newBigint64Array(this.name, out)
    return { name: this.name, _s: nulls.length === 0 ? s : withNulls(s, nulls) }
  }
}

/**
 * `var` or `std` (ddof): count, mean and sum of squared deviations per group. Each chunk's groups are
 * computed in two passes (means, then deviations from them) and merged into the state with Chan et al.'s
 * formula, as the Polars path merges them.
 */
class VarAcc implements Accumulator {
  #n: Float64Array = new Float64Array(0)
  #m: Float64Array = new Float64Array(0)
  #q: Float64Array = new Float64Array(0)
  // the chunk's count, sum then mean, and squared deviations per group
  #cn: Float64Array = new Float64Array(0)
  #cm: Float64Array = new Float64Array(0)
  #cq: Float64Array = new Float64Array(0)
  readonly #reader: NumberReader
  constructor(
    readonly cls: NSeriesClass,
    readonly name: string,
    readonly ddof: number,
    readonly std: boolean,
  ) {
    this.#reader = new NumberReader(name)
  }
  add({ df, height, slots, groups }: Rows): void {
    const [n, m, q] = [
      (this.#n = grow(this.#n, groups)),
      (this.#m = grow(this.#m, groups)),
      (this.#q = grow(this.#q, groups)),
    ]
    const cn = (this.#cn = grow(this.#cn, groups))
    const cm = (this.#cm = grow(this.#cm, groups))
    const cq = (this.#cq = grow(this.#cq, groups))
    cn.fill(0, 0, groups)
    cm.fill(0, 0, groups)
    cq.fill(0, 0, groups)
    const { values, nulls } = this.#reader.read(df)
    for (let i = 0; i < height; i++) {
      const g = slots[i] as number
      if (g < 0 || (nulls !== undefined && nulls[i] === 1)) continue
      cn[g] = (cn[g] as number) + 1
      cm[g] = (cm[g] as number) + (values[i] as number)
    }
    for (let g = 0; g < groups; g++) if ((cn[g] as number) > 0) cm[g] = (cm[g] as number) / (cn[g] as number)
    for (let i = 0; i < height; i++) {
      const g = slots[i] as number
      if (g < 0 || (nulls !== undefined && nulls[i] === 1)) continue
      const d = (values[i] as number) - (cm[g] as number)
      cq[g] = (cq[g] as number) + d * d
    }
    for (let g = 0; g < groups; g++) {
      const b = cn[g] as number
      if (b === 0) continue
      const a = n[g] as number
      const total = a + b
      const delta = (cm[g] as number) - (m[g] as number)
      m[g] = a === 0 ? (cm[g] as number) : (m[g] as number) + (delta * b) / total
      q[g] = a === 0 ? (cq[g] as number) : (q[g] as number) + (cq[g] as number) + (delta * delta * a * b) / total
      n[g] = total
    }
  }
  emit(order: Uint32Array): Part {
    const [n, q, ddof, std] = [this.#n, this.#q, this.ddof, this.std]
    return emitDoubles(
      this.cls,
      this.name,
      'Float64',
      order,
      (g) => {
        const v = (q[g] as number) / ((n[g] as number) - ddof)
        return std ? Math.sqrt(v) : v
      },
      (g) => (n[g] as number) > ddof,
    )
  }
}

// ---------------------------------------------------------------------------------------------------------

/** The aggregations of the running groupby. @internal */
export type GroupKind = 'sum' | 'mean' | 'count' | 'size' | 'min' | 'max' | 'var' | 'std'

/**
 * The running groupby of `cols` by the one column `key`, computed in JavaScript, or undefined when its
 * inputs need the Polars path: a key that is not String, Categorical or an integer; a value dtype the
 * aggregation has no fast kernel for (e.g. a 64-bit unsigned sum of a non-integer); or a nodejs-polars
 * without the native methods used here. `example` is the output schema (from the Polars path), whose
 * dtypes the results take.
 * @internal
 */
export function fastGroupBy(
  chunks: AsyncIterable<pl.DataFrame>,
  input: pl.DataFrame,
  key: string,
  cols: readonly string[],
  kind: GroupKind,
  ddof: number,
  example: pl.DataFrame,
): AsyncIterable<pl.DataFrame> | undefined {
  const cls = nativeClass()
  if (cls === null) return undefined
  const types = dtypesOf(input)
  const outTypes = dtypesOf(example)
  const keyType = types[key] as pl.DataType
  const byCodes = keyType.variant === 'String' || keyType.variant === 'Categorical'
  if (!byCodes && !isInteger(keyType)) return undefined
  const emptyKeys = column(example, key)
  if (emptyKeys === undefined) return undefined

  // one accumulator per output column; each is made again per iteration (fresh state per stream)
  const makers: (() => Accumulator)[] = []
  if (kind === 'size') makers.push(() => new SizeAcc(cls, 'size'))
  for (const c of cols) {
    const t = types[c] as pl.DataType
    const out = (outTypes[c] as pl.DataType | undefined)?.variant ?? ''
    const numeric = isFloat(t) || isInteger(t)
    switch (kind) {
      case 'count':
        makers.push(() => new CountAcc(cls, c))
        break
      case 'mean':
        if (!numeric) return undefined
        makers.push(() => new SumAcc(cls, c, true, 'Float64'))
        break
      case 'sum':
        if (isFloat(t)) makers.push(() => new SumAcc(cls, c, false, out))
        else if (isInteger(t) && ['Int32', 'UInt32', 'Int64', 'UInt64'].includes(out))
          makers.push(() => new IntSumAcc(cls, c, out))
        else return undefined
        break
      case 'min':
      case 'max':
        if (!numeric || out !== t.variant) return undefined
        makers.push(() => new MinMaxAcc(cls, c, kind === 'max', out))
        break
      case 'var':
      case 'std':
        if (!numeric) return undefined
        makers.push(() => new VarAcc(cls, c, ddof, kind === 'std'))
        break
      case 'size':
        break
    }
  }

  return {
    async *[Symbol.asyncIterator]() {
      const keyer: Keyer = byCodes ? new CodeKeyer() : new IntKeyer()
      const groups = new GroupKeys(emptyKeys)
      const accs = makers.map((make) => make())
      let slots: Int32Array = new Int32Array(0)
      for await (const df of chunks) {
        const height = df.height
        if (slots.length < height) slots = new Int32Array(height)
        const keyColumn = column(df, key)
        const firsts: number[] = []
        keyer.assign(keyColumn, height, slots, firsts)
        if (firsts.length > 0) groups.add(keyColumn, firsts)
        const rows: Rows = { df, height, slots, groups: keyer.size }
        for (const acc of accs) acc.add(rows)
        const order = groups.order
        yield pl.DataFrame([
          { name: key, _s: groups.sorted },
          ...accs.map((a) => a.emit(order)),
        ] as unknown as pl.Series[])
      }
    },
  }
}

function dtypesOf(df: pl.DataFrame): Record<string, pl.DataType> {
  const out: Record<string, pl.DataType> = {}
  const types = df.dtypes
  df.columns.forEach((c, i) => (out[c] = types[i] as pl.DataType))
  return out
}
