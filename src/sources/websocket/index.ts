/**
 * streamz-ts/websocket: empty until the Connectors issue lands.
 * @packageDocumentation
 */
export {}
