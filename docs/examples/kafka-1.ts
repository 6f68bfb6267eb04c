import { pipe, toArray } from '../../src/index.js'
import { fromKafka } from '../../src/sources/kafka/index.js'

export async function run(): Promise<string> {
  // nothing listens on port 1: the first next() rejects with an error that names the group and the brokers
  const records = fromKafka('orders', { brokers: '127.0.0.1:1', groupId: 'billing', client: { retries: 0 } })
  try {
    await pipe(records, toArray())
    return 'consumed'
  } catch (e) {
    return (e as Error).message.split(': ').slice(0, 2).join(': ')
  }
}

export const expected = 'fromKafka: could not join group "billing" on 127.0.0.1:1'
