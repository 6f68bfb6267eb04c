/**
 * streamz-ts/pool: empty until its issue lands (see the project's issues).
 * @packageDocumentation
 */
export {}
