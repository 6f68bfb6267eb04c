/**
 * streamz-ts/net: empty until the Connectors issue lands.
 * @packageDocumentation
 */
export {}
