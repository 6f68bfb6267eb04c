import { Agent, request } from 'undici'
import type { Sink } from '../../pipe/types.js'
import { abortable } from '../../internal/abort.js'
import { checkFunction, checkInteger, checkObject, checkSignal, fail, show } from '../../internal/check.js'
import { realClock, type Clock } from '../../internal/clock.js'
import { toMs } from '../../internal/duration.js'

/** Options for {@link toHttp}. */
export interface ToHttpOptions<T> {
  /** HTTP method; default `'POST'`. */
  method?: string
  /** Headers sent with every request (a `content-type` here wins over the one `toHttp` picks). */
  headers?: Record<string, string>
  /** How many requests may be in flight at once; default 1 (elements are sent in order). */
  concurrency?: number
  /** How many times a failed request is retried (5xx, 408, 429, connection errors); default 3. */
  retries?: number
  /** Wait before the first retry (ms or duration string); doubles at each retry. Default 100 ms. */
  retryDelay?: number | string
  /** Longest wait between attempts, also the cap on a server's `Retry-After`. Default 30 s. */
  maxRetryDelay?: number | string
  /** Time allowed for the response headers, and then between body chunks. Default 30 s. */
  timeout?: number | string
  /**
   * Turns an element into the request body. Default: strings and bytes as they are (text/plain,
   * application/octet-stream), anything else as JSON (application/json).
   */
  serialize?: (x: T) => string | Uint8Array
  /** Aborting it cancels the requests in flight and rejects with `signal.reason`. */
  signal?: AbortSignal
  /** Clock for the waits between attempts (tests pass a `FakeClock`). */
  clock?: Clock
}

/**
 * The error {@link toHttp} rejects with when an element could not be delivered.
 * @example
 * ```ts
 * try {
 *   await pipe(events, toHttp('https://example.com/in'))
 * } catch (e) {
 *   if (e instanceof HttpRequestError) console.error(e.status, e.attempts, e.responseBody)
 * }
 * ```
 */
export class HttpRequestError extends Error {
  override name = 'HttpRequestError'
  constructor(
    /** The request's method. */
    readonly method: string,
    /** The request's URL. */
    readonly url: string,
    /** The last response's status; `undefined` when the last attempt got no response. */
    readonly status: number | undefined,
    /** How many attempts were made. */
    readonly attempts: number,
    /** The start of the last response's body, if any. */
    readonly responseBody: string | undefined,
    cause?: unknown,
  ) {
    const what =
      status !== undefined
        ? `status ${status}${responseBody ? `: ${responseBody.trim()}` : ''}`
        : cause instanceof Error
          ? `${(cause as NodeJS.ErrnoException).code ?? cause.name}: ${cause.message}`
          : String(cause)
    super(`toHttp: ${method} ${url} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${what}`, {
      cause,
    })
  }
}

const BODY_PREVIEW = 200

function retryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429
}

/** `Retry-After` in ms (seconds or an HTTP date), or undefined. */
function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value
  if (v === undefined || v.trim() === '') return undefined
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}

/**
 * A sink that sends each element as the body of an HTTP request, on undici. Strings and bytes
 * go as they are, other values as JSON (or as `serialize` says). Up to `concurrency` requests
 * are in flight (with more than 1, they may complete out of order). A request that gets a 5xx,
 * 408 or 429, or no response (connection refused or reset, timeout), is retried up to `retries`
 * times, waiting `retryDelay`, then twice as long each time (at most `maxRetryDelay`), or what
 * the server's `Retry-After` asks. Other statuses of 300 and above fail at once. The first
 * failure stops reading the source, lets the requests in flight finish, closes the source and
 * rejects with an {@link HttpRequestError} naming the method, URL, status and attempts. An
 * abort cancels the requests in flight. Resolves when every element has been sent. Note that a
 * retried request may reach the server twice if only its response was lost.
 * @param url - where to send
 * @param options - `{ method = 'POST', headers, concurrency = 1, retries = 3, retryDelay = 100, maxRetryDelay = 30 s, timeout = 30 s, serialize, signal, clock }`
 * @example
 * ```ts
 * await pipe(readings, map((r) => ({ id: r.id, value: r.value })), toHttp('http://localhost:8080/in', { concurrency: 4 }))
 * ```
 */
export function toHttp<T>(url: string | URL, options: ToHttpOptions<T> = {}): Sink<T> {
  const op = 'toHttp'
  let target: URL
  try {
    target = new URL(url)
  } catch {
    return fail(TypeError, op, 'url', 'an absolute URL', url)
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    fail(TypeError, op, 'url', 'an http: or https: URL', url)
  checkObject(op, 'options', options)
  const {
    method = 'POST',
    headers = {},
    concurrency = 1,
    retries = 3,
    retryDelay = 100,
    maxRetryDelay = 30_000,
    timeout = 30_000,
    serialize,
    signal,
    clock = realClock,
  } = options
  if (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method)) fail(TypeError, op, 'method', 'an HTTP method', method)
  if ((headers as unknown) === null || typeof headers !== 'object') fail(TypeError, op, 'headers', 'an object', headers)
  checkInteger(op, 'concurrency', concurrency, 1)
  checkInteger(op, 'retries', retries, 0)
  const firstDelay = toMs(op, 'retryDelay', retryDelay)
  const maxDelay = toMs(op, 'maxRetryDelay', maxRetryDelay)
  const timeoutMs = toMs(op, 'timeout', timeout)
  if (serialize !== undefined) checkFunction(op, 'serialize', serialize)
  checkSignal(op, signal)
  const verb = method.toUpperCase()
  const href = target.href
  const userType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')

  function encode(x: T): { body: string | Uint8Array; type: string } {
    const body = serialize !== undefined ? serialize(x) : (x as unknown)
    if (typeof body === 'string') return { body, type: 'text/plain; charset=utf-8' }
    if (body instanceof Uint8Array) return { body, type: 'application/octet-stream' }
    if (serialize !== undefined)
      throw new TypeError(`toHttp: serialize must return a string or a Uint8Array, got ${show(body)}`)
    const json = JSON.stringify(body) as string | undefined
    if (json === undefined) throw new TypeError(`toHttp: cannot send ${show(body)} as JSON`)
    return { body: json, type: 'application/json' }
  }

  return async function toHttpSink(source: AsyncIterable<T>): Promise<void> {
    const ac = new AbortController()
    const onAbort = (): void => ac.abort(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    const stop = ac.signal
    const agent = new Agent({ connections: concurrency, headersTimeout: timeoutMs, bodyTimeout: timeoutMs })

    async function send(x: T): Promise<void> {
      const { body, type } = encode(x)
      const sent = userType ? headers : { 'content-type': type, ...headers }
      for (let attempt = 1; ; attempt++) {
        let status: number | undefined
        let text: string | undefined
        let wait: number | undefined
        let cause: unknown
        try {
          const res = await request(href, { method: verb, headers: sent, body, signal: stop, dispatcher: agent })
          status = res.statusCode
          if (status < 300) {
            await res.body.dump()
            return
          }
          text = (await res.body.text()).slice(0, BODY_PREVIEW)
          if (!retryableStatus(status)) throw new HttpRequestError(verb, href, status, attempt, text)
          if (status === 503 || status === 429) wait = retryAfterMs(res.headers['retry-after'])
        } catch (e) {
          if (e instanceof HttpRequestError) throw e
          if (stop.aborted) throw stop.reason
          cause = e
        }
        if (attempt > retries) throw new HttpRequestError(verb, href, status, attempt, text, cause)
        await clock.sleep(Math.min(maxDelay, wait ?? firstDelay * 2 ** (attempt - 1)), stop)
      }
    }

    const inFlight = new Set<Promise<void>>()
    let failure: { error: unknown } | undefined
    try {
      for await (const x of abortable(source, stop)) {
        const p: Promise<void> = send(x).then(
          () => {
            inFlight.delete(p)
          },
          (e: unknown) => {
            inFlight.delete(p)
            failure ??= { error: e }
          },
        )
        inFlight.add(p)
        if (inFlight.size >= concurrency) await Promise.race(inFlight)
        if (failure !== undefined) break
      }
    } catch (e) {
      failure ??= { error: e }
    } finally {
      await Promise.all(inFlight)
      signal?.removeEventListener('abort', onAbort)
      if (stop.aborted) await agent.destroy()
      else await agent.close()
    }
    if (signal?.aborted === true) throw signal.reason
    if (failure !== undefined) throw failure.error
  }
}
