import { pipe, pushable, tee, map, sink } from '../../src/index.js'
import { graphOf, toDot } from '../../src/see/index.js'

export async function run() {
  const increment = (x: number) => x + 1
  const decrement = (x: number) => x - 1
  const printed: number[] = []
  const print = (x: number) => printed.push(x)

  // one source, two branches, each with its own sink
  const source = pushable<number>()
  const [a, b] = tee(source, 2)
  const up = pipe(a, map(increment), sink(print))
  const down = pipe(b, map(decrement), sink(print))

  const graph = graphOf([up, down]) // nothing runs: the graph is read from what pipe returned
  const dot = toDot(graph, { rankdir: 'LR' })

  await source.emit(1)
  await source.emit(10)
  source.end()
  await Promise.all([up, down])
  return {
    nodes: graph.nodes.map((n) => `${n.id} ${n.name}`),
    edges: graph.edges.map((e) => `${e.from} -> ${e.to}`),
    dotLines: dot.split('\n').length,
    printed,
  }
}

export const expected = {
  nodes: ['s0 pushable', 's1 tee(2)', 's2 map(increment)', 's3 sink(print)', 's4 map(decrement)', 's5 sink(print)'],
  edges: ['s0 -> s1', 's1 -> s2', 's2 -> s3', 's1 -> s4', 's4 -> s5'],
  dotLines: 17,
  printed: [2, 0, 11, 9],
}
