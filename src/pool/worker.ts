/**
 * The module piscina runs in every worker thread: it loads the task module named in each
 * message (once per module and export) and calls the export with the element, or with each
 * element of a batch in turn. Kept free of relative imports so that Node's type stripping can
 * run it from `src/` as well as `dist/`.
 * @internal
 */
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

type Task = (x: unknown) => unknown
/** A message from the parent: [module URL, export name, element], or with BATCH the elements of a batch. */
export type TaskMessage = [url: string, name: string, x: unknown] | [url: string, name: string, xs: unknown[], BATCH]
/** Marks a batch message. */
export type BATCH = 1
/**
 * The reply to a batch: the results of its elements in order, the ms the task calls took, and,
 * when an element failed, its error (the results are then those of the elements before it;
 * the elements after it did not run).
 */
export type BatchReply = [values: unknown[], ms: number] | [values: unknown[], ms: number, error: unknown]

const loaded = new Map<string, Task>()
const loading = new Map<string, Promise<Task>>()

const describe = (e: unknown): string =>
  e instanceof Error ? `${e.name}: ${e.message}` : typeof e === 'string' ? e : JSON.stringify(e)

async function load(url: string, name: string, key: string): Promise<Task> {
  const label = `${fileURLToPath(url)}#${name}`
  let mod: Record<string, unknown>
  try {
    mod = (await import(url)) as Record<string, unknown>
  } catch (e) {
    throw new Error(`pool task ${label}: the module failed to load (${describe(e)})`, { cause: e })
  }
  const f = mod[name]
  if (typeof f !== 'function') {
    const names = Object.keys(mod).filter((k) => typeof mod[k] === 'function')
    throw new Error(
      `pool task ${label}: the module has no function export "${name}" (function exports: ${names.join(', ') || 'none'})`,
    )
  }
  loaded.set(key, f as Task)
  return f as Task
}

/** Run one element, or a batch, through its task; the first call per module and export imports it. */
export default function streamzPoolWorker(msg: TaskMessage): unknown {
  const [url, name, x] = msg
  const key = `${name}\u0000${url}`
  const f = loaded.get(key)
  const batch = msg.length === 4
  if (f !== undefined) return batch ? runBatch(f, x as unknown[]) : f(x)
  let p = loading.get(key)
  if (p === undefined) {
    p = load(url, name, key)
    loading.set(key, p)
  }
  return p.then((g) => (batch ? runBatch(g, x as unknown[]) : g(x)))
}

// piscina's movable protocol (what transferResult returns): global symbols, so no import is needed to read it
const kTransferable = Symbol.for('Piscina.transferable')
const kValue = Symbol.for('Piscina.valueOf')
type Movable = { [kTransferable]: unknown; [kValue]: unknown }
const isMovable = (v: unknown): v is Movable => v !== null && typeof v === 'object' && kTransferable in v && kValue in v

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null &&
  (typeof v === 'object' || typeof v === 'function') &&
  typeof (v as { then?: unknown }).then === 'function'

/**
 * Call `f` on each element in order, synchronously while the results are plain values; an
 * element whose result is a promise is awaited before the next one starts. Stops at the first
 * error.
 */
function runBatch(f: Task, xs: unknown[]): BatchReply | Promise<unknown> {
  const values: unknown[] = []
  const t0 = performance.now()
  for (let i = 0; i < xs.length; i++) {
    let v: unknown
    try {
      v = f(xs[i])
    } catch (e) {
      return reply(values, t0, true, e)
    }
    if (isThenable(v)) return runRest(f, xs, i, v, values, t0)
    values.push(v)
  }
  return reply(values, t0, false, undefined)
}

async function runRest(
  f: Task,
  xs: unknown[],
  i: number,
  first: PromiseLike<unknown>,
  values: unknown[],
  t0: number,
): Promise<unknown> {
  let v: unknown = first
  for (;;) {
    try {
      values.push(await v)
    } catch (e) {
      return reply(values, t0, true, e)
    }
    if (++i === xs.length) return reply(values, t0, false, undefined)
    try {
      v = f(xs[i])
    } catch (e) {
      return reply(values, t0, true, e)
    }
  }
}

/** The batch's reply; the buffers the results move back (transferResult) are moved together. */
function reply(values: unknown[], t0: number, failed: boolean, error: unknown): BatchReply | Promise<unknown> {
  const r: BatchReply = failed ? [values, performance.now() - t0, error] : [values, performance.now() - t0]
  let list: unknown[] | undefined
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (!isMovable(v)) continue
    const t = v[kTransferable]
    list ??= []
    if (Array.isArray(t)) {
      for (const b of t as unknown[]) if (!list.includes(b)) list.push(b)
    } else if (!list.includes(t)) list.push(t)
    values[i] = v[kValue]
  }
  if (list === undefined) return r
  const moved = list
  // piscina moves what its move() marked; it is loaded only by tasks that move results
  return (move ??= import('piscina').then((m) => m.move)).then((mv) =>
    mv({ [kTransferable]: moved, [kValue]: r } as unknown as ArrayBuffer),
  )
}

let move: Promise<(v: ArrayBuffer) => unknown> | undefined
