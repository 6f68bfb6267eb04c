import { pipe, map, slice, toArray } from '../../src/index.js'
import { fromHttpServer, toHttp } from '../../src/sources/http/index.js'

interface Reading {
  sensor: string
  celsius: number
}

export async function run() {
  // a webhook receiver on a free port: each JSON body POSTed to /readings is an element
  const readings = fromHttpServer<Reading>({ port: 0, host: '127.0.0.1', path: '/readings', parse: 'json' })
  const received = pipe(
    readings,
    map((r) => `${r.sensor}: ${r.celsius * 1.8 + 32} °F`),
    slice(0, 3), // after three readings the server closes
    toArray(),
  )
  const { port } = await readings.listening

  // the sending side: objects go out as JSON, one request at a time, retried if the server is busy
  await pipe(
    [
      { sensor: 'kitchen', celsius: 20 },
      { sensor: 'attic', celsius: 35 },
      { sensor: 'cellar', celsius: 10 },
    ],
    toHttp(`http://127.0.0.1:${port}/readings`, { retries: 3, retryDelay: '50ms' }),
  )
  return await received
}

export const expected = ['kitchen: 68 °F', 'attic: 95 °F', 'cellar: 50 °F']
