/**
 * The consumer pipeline of the Kafka crash tests, run as a child process (see helpers.ts
 * startChild): fromKafka → map → partition → a file sink that appends each batch, fsyncs it and
 * then acks its records. SIGTERM aborts the source (graceful stop); SIGKILL is the crash.
 */
import { open } from 'node:fs/promises'
import { map, partition, pipe, sink } from '../../src/index.js'
import { fromKafka } from '../../src/sources/kafka/index.js'
import type { ChildConfig } from './helpers.js'

const config = JSON.parse(process.env.KAFKA_CHILD ?? '{}') as ChildConfig
const ac = new AbortController()
process.on('SIGTERM', () => ac.abort(new Error('SIGTERM')))

const fh = await open(config.file, 'a')
let seen = 0
let writing: Promise<void> = Promise.resolve()
try {
  await pipe(
    fromKafka(config.topic, {
      brokers: config.brokers,
      groupId: config.groupId,
      fromBeginning: true,
      commitEvery: config.commitEvery ?? 200,
      commitInterval: 100,
      drainTimeout: 1000,
      sessionTimeout: config.sessionTimeout ?? 6000,
      heartbeatInterval: 500,
      deserialize: String,
      deserializeKey: String,
      signal: ac.signal,
    }),
    map((r) => {
      if (config.throwAt !== undefined && ++seen === config.throwAt) throw new Error('pipeline failed on purpose')
      return r
    }),
    partition(100, { timeout: 20 }),
    sink(async (batch) => {
      const run = async (): Promise<void> => {
        await fh.appendFile(
          batch.map((r) => `${String(r.partition)} ${String(r.offset)} ${r.key ?? ''} ${r.value ?? ''}\n`).join(''),
        )
        await fh.sync()
        for (const r of batch) r.ack()
        if (config.delayMs !== undefined) await new Promise((res) => setTimeout(res, config.delayMs))
      }
      writing = run()
      await writing
    }),
  )
} catch (e) {
  if (!ac.signal.aborted) {
    console.error(e)
    process.exitCode = 1
  }
} finally {
  await writing.catch(() => undefined) // a graceful stop lets the write in progress finish (and ack)
  await fh.close()
}
