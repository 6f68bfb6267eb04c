/**
 * streamz-ts/frame: Polars DataFrame chunks in streams (loads nodejs-polars, an optional peer dependency).
 *
 * For now it holds the Arrow IPC helpers that move a chunk across a worker-thread boundary:
 * {@link frameToIPC} gives transferable bytes and {@link frameFromIPC} rebuilds the frame on the other side.
 * The streaming DataFrame itself (`toFrame` and its operations) comes with its own issue.
 * @packageDocumentation
 */
export { frameToIPC, frameFromIPC } from './ipc.js'
export type { FrameToIPCOptions } from './ipc.js'
