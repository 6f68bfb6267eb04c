import { pipe, slice, toArray } from '../../src/index.js'
import { fromHttpServer, toHttp, HttpRequestError } from '../../src/sources/http/index.js'

interface Order {
  qty: number
}

export async function run() {
  const problems: string[] = []
  const orders = fromHttpServer<Order>({
    port: 0,
    host: '127.0.0.1',
    token: 'let-me-in',
    parse: (body) => {
      const order = JSON.parse(body.toString('utf8')) as Order
      if (!Number.isInteger(order.qty)) throw new Error('qty must be an integer')
      return order
    },
    onError: (e) => problems.push(`${e.code} (${e.status}): ${e.message}`),
  })
  const received = pipe(orders, slice(0, 1), toArray())
  const url = `http://127.0.0.1:${(await orders.listening).port}/`

  const outcomes: string[] = []
  const attempt = (order: Order, headers: Record<string, string>) =>
    pipe([order], toHttp(url, { headers, retryDelay: 10 })).then(
      () => outcomes.push('delivered'),
      (e: unknown) => {
        if (!(e instanceof HttpRequestError)) throw e
        outcomes.push(`${e.status} after ${e.attempts} attempt(s): ${e.responseBody?.trim()}`)
      },
    )
  await attempt({ qty: 1 }, {}) // no token: 401, a client error, so not retried
  await attempt({ qty: 1.5 }, { authorization: 'Bearer let-me-in' }) // the parser refuses it: 400
  await attempt({ qty: 2 }, { authorization: 'Bearer let-me-in' })
  return { outcomes, problems, received: await received }
}

export const expected = {
  outcomes: ['401 after 1 attempt(s): unauthorized', '400 after 1 attempt(s): qty must be an integer', 'delivered'],
  problems: ['ERR_BODY_PARSE (400): fromHttpServer: body rejected by parse: qty must be an integer'],
  received: [{ qty: 2 }],
}
