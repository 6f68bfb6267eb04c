import { connect } from 'node:net'
import { pipe, slice, toArray } from '../../src/index.js'
import { fromTcp, type TcpClientError } from '../../src/sources/net/index.js'

export async function run() {
  const problems: string[] = []
  const messages = fromTcp({
    port: 0,
    host: '127.0.0.1',
    delimiter: '\0', // NUL-terminated messages
    maxMessageSize: 16,
    onError: (e: TcpClientError) => problems.push(`${e.code}: ${e.message}`),
  })
  const received = pipe(messages, slice(0, 2), toArray())
  const { port } = await messages.listening
  const send = (data: string) =>
    new Promise<void>((resolve) => {
      const client = connect(port, '127.0.0.1', () => client.end(data))
      client.on('close', () => resolve())
      client.on('error', () => resolve())
    })

  await send('first\0this one is far too long\0never read\0') // closed at the long message
  await send('half a mess') // closed before its delimiter: dropped and reported
  await send('second\0')
  return { received: await received, problems }
}

export const expected = {
  received: ['first', 'second'],
  problems: [
    'ERR_MESSAGE_TOO_LARGE: fromTcp: a message above maxMessageSize (16 bytes); connection closed',
    'ERR_PARTIAL_MESSAGE: fromTcp: the connection closed in the middle of a message; 11 bytes dropped',
  ],
}
