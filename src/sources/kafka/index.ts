/**
 * streamz-ts/kafka: empty until the Connectors issue lands.
 * @packageDocumentation
 */
export {}
