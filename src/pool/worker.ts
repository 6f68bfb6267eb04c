/**
 * The module piscina runs in every worker thread: it loads the task module named in each
 * message (once per module and export) and calls the export with the element. Kept free of
 * relative imports so that Node's type stripping can run it from `src/` as well as `dist/`.
 * @internal
 */
import { fileURLToPath } from 'node:url'

type Task = (x: unknown) => unknown
/** A message from the parent: [module URL, export name, element]. */
export type TaskMessage = [url: string, name: string, x: unknown]

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

/** Run one element through its task; the first call per module and export imports it. */
export default function streamzPoolWorker(msg: TaskMessage): unknown {
  const [url, name, x] = msg
  const key = `${name}\u0000${url}`
  const f = loaded.get(key)
  if (f !== undefined) return f(x)
  let p = loading.get(key)
  if (p === undefined) {
    p = load(url, name, key)
    loading.set(key, p)
  }
  return p.then((g) => g(x))
}
