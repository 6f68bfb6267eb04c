/**
 * A real single-node Apache Kafka 4.1 broker (KRaft, combined broker + controller) for the Kafka
 * tests and the Kafka bench, started from Maven Central jars: no tarball, no Docker.
 * `KAFKA_VERSION=3.9.1` starts Kafka 3.9.1 instead (test/kafka/pom-3.9.xml).
 *
 * - `KAFKA_BROKERS=host:port` set: that broker is used, nothing is started.
 * - Otherwise the jars listed in test/kafka/pom.xml are copied once with Maven into
 *   `~/.cache/streamz-ts-kafka/<version>/lib` (or `$STREAMZ_KAFKA_CACHE`), a fresh log dir is
 *   formatted in a temp dir and `kafka.Kafka` is started on two free ports. Its log goes to a file
 *   in that temp dir (`logFile`), never to the test output.
 * - No `java` or `mvn` on the PATH: `startBroker` returns `{ skip: reason }`, unless `CI` is set,
 *   where it throws instead (the Kafka tests must run in CI).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { writeFileSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { homedir, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** `KAFKA_VERSION=3.9.1` runs the tests against Kafka 3.9 (test/kafka/pom-3.9.xml) instead. */
export const KAFKA_VERSION = process.env.KAFKA_VERSION ?? '4.1.1'
const POMS: Record<string, string> = { '4.1.1': 'pom.xml', '3.9.1': 'pom-3.9.xml' }
/** Kafka 4 logs with log4j2, 3.x with reload4j (log4j 1). */
const LOG4J2 = !KAFKA_VERSION.startsWith('3.')

export interface Broker {
  /** `host:port` of the PLAINTEXT listener */
  brokers: string
  /** the broker's log file ('' for an external broker) */
  logFile: string
  /** stop the broker and remove its data (a no-op for an external broker) */
  stop(): Promise<void>
}

const here = dirname(fileURLToPath(import.meta.url))

function has(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' })
  return r.error === undefined && r.status === 0
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      const port = typeof a === 'object' && a !== null ? a.port : 0
      s.close(() => resolve(port))
    })
  })
}

/** The classpath dir with the broker's jars, downloaded with Maven on the first run. */
function jars(): string {
  const cache = process.env.STREAMZ_KAFKA_CACHE ?? join(homedir(), '.cache', 'streamz-ts-kafka', KAFKA_VERSION)
  const lib = join(cache, 'lib')
  if (existsSync(join(cache, 'complete'))) return lib
  mkdirSync(cache, { recursive: true })
  const pom = POMS[KAFKA_VERSION]
  if (pom === undefined) throw new Error(`KAFKA_VERSION must be one of ${Object.keys(POMS).join(', ')}`)
  const tmp = mkdtempSync(join(cache, 'lib-'))
  const r = spawnSync(
    'mvn',
    ['-q', '-B', '-f', join(here, pom), 'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`],
    { encoding: 'utf8' },
  )
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true })
    throw new Error(`mvn could not fetch the Kafka ${KAFKA_VERSION} jars: ${r.stdout}${r.stderr}`)
  }
  rmSync(lib, { recursive: true, force: true })
  renameSync(tmp, lib)
  writeFileSync(join(cache, 'complete'), `${KAFKA_VERSION}\n`)
  return lib
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

/** Start a broker (or use `KAFKA_BROKERS`); `{ skip }` says why the Kafka tests can't run here. */
export async function startBroker(): Promise<Broker | { skip: string }> {
  const external = process.env.KAFKA_BROKERS
  if (external !== undefined && external !== '') {
    return { brokers: external, logFile: '', stop: () => Promise.resolve() }
  }
  const missing = ['java', 'mvn'].filter((cmd) => !has(cmd, cmd === 'java' ? ['-version'] : ['-v']))
  if (missing.length > 0) {
    const reason = `no ${missing.join(' or ')} on the PATH to start a Kafka broker (set KAFKA_BROKERS=host:port to use one)`
    if (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') throw new Error(reason)
    return { skip: reason }
  }
  const lib = jars()
  const dir = mkdtempSync(join(tmpdir(), 'streamz-kafka-'))
  const port = await freePort()
  let controllerPort = await freePort()
  while (controllerPort === port) controllerPort = await freePort()
  const props = join(dir, 'server.properties')
  writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${join(dir, 'data')}`,
      'num.partitions=1',
      'offsets.topic.replication.factor=1',
      // the default 50 partitions make the first consumer group wait for all of them to load
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'group.min.session.timeout.ms=1000',
      'auto.create.topics.enable=true',
      '',
    ].join('\n'),
  )
  const log4j = join(dir, LOG4J2 ? 'log4j2.properties' : 'log4j.properties')
  const logFile = join(dir, 'server.log')
  writeFileSync(
    log4j,
    (LOG4J2
      ? [
          'status = error',
          'appender.file.type = File',
          'appender.file.name = FILE',
          `appender.file.fileName = ${logFile}`,
          'appender.file.layout.type = PatternLayout',
          'appender.file.layout.pattern = [%d] %p %m (%c)%n',
          'rootLogger.level = WARN',
          'rootLogger.appenderRef.file.ref = FILE',
        ]
      : [
          'log4j.rootLogger=WARN, file',
          'log4j.appender.file=org.apache.log4j.FileAppender',
          `log4j.appender.file.File=${logFile}`,
          'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
          'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
        ]
    ).join('\n') + '\n',
  )
  const cp = `${lib}/*`
  const logFlag = LOG4J2 ? `-Dlog4j2.configurationFile=${log4j}` : `-Dlog4j.configuration=file:${log4j}`
  const jvm = ['-Xmx512m', '-XX:+UseSerialGC', logFlag, '-cp', cp]
  // base64url may start with '-', which the tool's argument parser takes for an option: hence '='
  const clusterId = randomBytes(16).toString('base64url')
  const fmt = spawnSync(
    'java',
    [...jvm, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', props],
    {
      encoding: 'utf8',
    },
  )
  if (fmt.status !== 0) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`kafka StorageTool format failed: ${fmt.stdout}${fmt.stderr}`)
  }
  const out = openSync(join(dir, 'stdout.log'), 'a')
  const child: ChildProcess = spawn('java', [...jvm, 'kafka.Kafka', props], { stdio: ['ignore', out, out] })
  closeSync(out)
  let exited = false
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true
      resolve()
    }),
  )
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM')
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exit
      clearTimeout(t)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 90_000
  while (!(await canConnect(port))) {
    if (exited || Date.now() > deadline) {
      const tail = [join(dir, 'stdout.log'), logFile]
        .filter((f) => existsSync(f))
        .map((f) => readFileSync(f, 'utf8').slice(-3000))
        .join('\n')
      await stop()
      throw new Error(`the Kafka broker did not start: ${tail}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  return { brokers: `127.0.0.1:${port}`, logFile, stop }
}
