import { connect } from 'node:net'
import { pipe, map, slice, toArray } from '../../src/index.js'
import { fromTcp } from '../../src/sources/net/index.js'

export async function run() {
  // a line-oriented TCP server on a free port: each line from any client is an element
  const lines = fromTcp({ port: 0, host: '127.0.0.1' })
  const received = pipe(
    lines,
    map((line) => line.split(' ')),
    map(([level, ...words]) => ({ level, text: words.join(' ') })),
    slice(0, 3),
    toArray(),
  )
  const { port } = await lines.listening

  // a client, as `nc 127.0.0.1 <port>` would be; lines may arrive in any chunks
  const client = connect(port, '127.0.0.1')
  client.write('INFO disk ok\nWARN disk 9')
  client.end('0% full\nINFO backup done\n')
  return await received
}

export const expected = [
  { level: 'INFO', text: 'disk ok' },
  { level: 'WARN', text: 'disk 90% full' },
  { level: 'INFO', text: 'backup done' },
]
