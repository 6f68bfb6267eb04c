/**
 * streamz-ts/websocket: a WebSocket server source and a client sink on ws (an optional peer dependency).
 * @packageDocumentation
 */
export { fromWebsocket } from './from-websocket.js'
export type { FromWebsocketOptions, WebsocketMessage, WebsocketSource } from './from-websocket.js'
export { toWebsocket } from './to-websocket.js'
export type { ReconnectOptions, ToWebsocketOptions } from './to-websocket.js'
