/**
 * streamz-ts/frame: empty until its issue lands (see the project's issues).
 * @packageDocumentation
 */
export {}
