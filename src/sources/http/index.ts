/**
 * streamz-ts/http: empty until the Connectors issue lands.
 * @packageDocumentation
 */
export {}
