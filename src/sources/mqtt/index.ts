/**
 * streamz-ts/mqtt: empty until the Connectors issue lands.
 * @packageDocumentation
 */
export {}
