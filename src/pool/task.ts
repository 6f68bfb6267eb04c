import { isAbsolute, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { show } from '../internal/check.js'

/**
 * A task module for the pool: a path (absolute, or relative to `process.cwd()`) or a file URL
 * to a `.js`, `.mjs` or `.ts` module, or `{ module, name }` to pick a named export. Without a
 * name, the module's default export is called. TypeScript task modules run in the workers
 * through Node's type stripping, or through tsx when the parent process uses it.
 * @example
 * ```ts
 * const byPath: TaskRef = './tasks/hash.ts'
 * const byUrl: TaskRef = new URL('./tasks/hash.ts', import.meta.url)
 * const named: TaskRef = { module: new URL('./tasks/math.mjs', import.meta.url), name: 'square' }
 * ```
 */
export type TaskRef = string | URL | { module: string | URL; name?: string }

/** A resolved task: the module's file URL, the export's name and a label for messages. @internal */
export interface ResolvedTask {
  /** the module as a file: URL string, what the worker imports */
  readonly url: string
  /** the export to call */
  readonly name: string
  /** `path#name`, for error messages */
  readonly label: string
}

const isURL = (x: unknown): x is URL => x instanceof URL

function toUrl(op: string, arg: string, m: unknown): string {
  if (isURL(m)) {
    if (m.protocol !== 'file:') throw new TypeError(`${op}: ${arg} must be a file: URL, got ${m.href}`)
    return m.href
  }
  if (typeof m !== 'string' || m === '')
    throw new TypeError(`${op}: ${arg} must be a module path, a file URL or { module, name }, got ${show(m)}`)
  if (m.startsWith('file:')) return new URL(m).href
  return pathToFileURL(isAbsolute(m) ? m : resolve(process.cwd(), m)).href
}

/**
 * Check a {@link TaskRef} and resolve it to a file URL and an export name; throws a TypeError
 * naming `op` for anything else. Relative paths are resolved against `process.cwd()` now.
 * @internal
 */
export function resolveTask(op: string, task: unknown): ResolvedTask {
  let url: string
  let name = 'default'
  if (task !== null && typeof task === 'object' && !isURL(task)) {
    const { module, name: n } = task as { module?: unknown; name?: unknown }
    url = toUrl(op, 'task.module', module)
    if (n !== undefined) {
      if (typeof n !== 'string' || n === '')
        throw new TypeError(`${op}: task.name must be a non-empty string, got ${show(n)}`)
      name = n
    }
  } else url = toUrl(op, 'task', task)
  return { url, name, label: `${fileURLToPath(url)}#${name}` }
}

/** A short name for a graph label: the module's file name, and the export unless it is the default. @internal */
export function taskName(t: ResolvedTask): string {
  const file = t.url.slice(t.url.lastIndexOf('/') + 1)
  return t.name === 'default' ? file : `${file}#${t.name}`
}
