// A task for docs/pool.md: parse one line of JSON; a bad line throws in the worker.
export default function parse(line: string): { name: string; amount: number } {
  const order = JSON.parse(line) as { name: string; amount: number }
  if (typeof order.amount !== 'number') throw new TypeError(`amount must be a number in ${line}`)
  return order
}
