/**
 * streamz-ts/http: an HTTP server source ({@link fromHttpServer}) on node:http and an HTTP
 * client sink ({@link toHttp}) on undici.
 * @packageDocumentation
 */
export {
  fromHttpServer,
  type FromHttpServerOptions,
  type HttpServerSource,
  type HttpClientError,
  type HttpClientErrorCode,
} from './from-http-server.js'
export { toHttp, HttpRequestError, type ToHttpOptions } from './to-http.js'
