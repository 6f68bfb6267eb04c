// Worker fixture for ipc.test.ts: rebuild the chunk it is sent, aggregate it, and send the result back as
// Arrow IPC bytes, moving the buffer instead of copying it. (A file rather than `eval: true` code: tsx's
// loader, inherited through execArgv, applies to a worker's file but not to eval'd code.)
import { parentPort } from 'node:worker_threads'
import { frameFromIPC, frameToIPC } from '../../src/frame/index.js'

const port = parentPort
if (port === null) throw new Error('ipc-worker.ts must run in a worker thread')

port.on('message', (bytes: Uint8Array) => {
  const df = frameFromIPC(bytes)
  const out = frameToIPC(df.groupBy('k').agg({ v: 'sum' }).sort('k'))
  port.postMessage({ received: bytes.byteLength, isUint8Array: bytes instanceof Uint8Array, out }, [out.buffer])
})
