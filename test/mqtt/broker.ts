/** Brokers for the MQTT tests: the local Mosquitto when it answers, else an embedded aedes. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Aedes, type AedesOptions } from 'aedes'
import { within as guard } from '../helpers.js'

export interface TestBroker {
  url: string
  /** 'mosquitto' (or whatever MQTT_URL points at) or 'aedes' */
  kind: string
  close(): Promise<void>
}

/** True if something accepts TCP connections at host:port within 500 ms. */
export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect({ host, port })
    const done = (ok: boolean): void => {
      s.destroy()
      resolve(ok)
    }
    s.setTimeout(500, () => done(false))
    s.once('connect', () => done(true))
    s.once('error', () => done(false))
  })
}

/** An aedes broker on `port` (0: a free one), with sockets tracked so that stop() cuts them. */
export async function startAedes(
  port = 0,
  options: AedesOptions = {},
): Promise<{ url: string; port: number; broker: Aedes; stop(): Promise<void> }> {
  const broker = await Aedes.createBroker(options)
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    broker.handle(socket)
  })
  server.listen(port, '127.0.0.1')
  await once(server, 'listening')
  const bound = (server.address() as { port: number }).port
  return {
    url: `mqtt://127.0.0.1:${bound}`,
    port: bound,
    broker,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      await closed
    },
  }
}

/**
 * The broker the tests use: MQTT_URL if set, else the Mosquitto at 127.0.0.1:1883 if it
 * answers (unless MQTT_EMBEDDED=1), else an embedded aedes on a free port.
 */
export async function testBroker(): Promise<TestBroker> {
  const env = process.env.MQTT_URL
  if (env !== undefined && env !== '') return { url: env, kind: 'MQTT_URL', close: async () => undefined }
  if (process.env.MQTT_EMBEDDED !== '1' && (await reachable('127.0.0.1', 1883)))
    return { url: 'mqtt://127.0.0.1:1883', kind: 'mosquitto', close: async () => undefined }
  const a = await startAedes()
  return { url: a.url, kind: 'aedes', close: () => a.stop() }
}

/** A topic no other test (or earlier run) publishes to. */
export function freshTopic(name: string): string {
  return `streamz-ts-test/${name}/${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`
}

/** {@link guard}, allowing these tests 5 s by default. */
export const within = <T>(p: Promise<T>, what: string, ms = 5000): Promise<T> => guard(p, what, ms)
export { until } from '../helpers.js'

/** A reason to skip the tests that run their own Mosquitto, or false (never under CI: they must run there). */
export function mosquittoSkip(): string | false {
  if (process.env.CI === 'true') return false
  return spawnSync('mosquitto', ['-h']).error === undefined ? false : 'mosquitto is not installed'
}

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1')
  await once(s, 'listening')
  const port = (s.address() as { port: number }).port
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

/**
 * A Mosquitto process of the test's own on a free port, with persistence in a temporary
 * directory, so that it can be stopped (SIGTERM: it saves its sessions) and started again.
 * `extra` lines go into its configuration; `files` are written next to it first.
 */
export async function startMosquitto(
  extra: (dir: string) => string[] = () => [],
  files: Record<string, string> = {},
): Promise<{ url: string; dir: string; start(): Promise<void>; stop(): Promise<void>; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'streamz-mosquitto-'))
  await chmod(dir, 0o777) // run as root, mosquitto drops to its own user, which must write here
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text, { mode: 0o644 })
  const port = await freePort()
  const conf = join(dir, 'mosquitto.conf')
  await writeFile(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      'autosave_interval 0',
      ...extra(dir),
      '',
    ].join('\n'),
  )
  let proc: ChildProcess | undefined
  let log = ''
  const start = async (): Promise<void> => {
    const p = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] })
    proc = p
    p.stderr?.on('data', (d: Buffer) => (log += d.toString()))
    p.on('error', (e) => (log += e.message))
    const deadline = Date.now() + 5000
    while (!(await reachable('127.0.0.1', port))) {
      if (p.exitCode !== null || Date.now() > deadline) throw new Error(`mosquitto did not start: ${log}`)
      await new Promise<void>((r) => setTimeout(r, 20))
    }
  }
  const stop = async (): Promise<void> => {
    const p = proc
    proc = undefined
    if (p === undefined || p.exitCode !== null) return
    const exited = once(p, 'exit')
    p.kill('SIGTERM')
    await exited
  }
  await start()
  return {
    url: `mqtt://127.0.0.1:${port}`,
    dir,
    start,
    stop,
    async close() {
      await stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
