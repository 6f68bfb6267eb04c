import { pipe, pushable, tee, unique, map, flatten, sink, toArray } from '../../src/index.js'
import { graphOf, feedback } from '../../src/see/index.js'

// a tiny web: each page and the links on it
const web: Record<string, string[]> = {
  '/': ['/about', '/blog'],
  '/about': ['/'],
  '/blog': ['/blog/1', '/about'],
  '/blog/1': ['/'],
}

export async function run() {
  const source = pushable<string>()
  const [toPrint, toFetch] = tee(pipe(source, unique()), 2)

  let open = 1 // pages pushed and not yet read: the crawl ends when none is left
  const known = new Set(['/'])
  const fetchLinks = async (url: string) => web[url] ?? []
  const newLinks = (links: string[]) => {
    const fresh = links.filter((l) => !known.has(l))
    for (const l of fresh) known.add(l)
    open += fresh.length - 1
    if (open === 0) source.end()
    return fresh
  }
  const pushBack = (url: string) => source.push(url)

  const visited = pipe(toPrint, toArray())
  // the links found go back into the source: declare the loop so the graph can draw it
  const crawl = feedback(pipe(toFetch, map(fetchLinks), map(newLinks), flatten(), sink(pushBack)), source)

  const graph = graphOf([visited, crawl])
  source.push('/')
  await crawl
  return {
    visited: await visited,
    back: graph.edges.filter((e) => e.back === true).map((e) => `${e.from} -> ${e.to}`),
    names: graph.nodes.map((n) => n.name).join(' '),
  }
}

export const expected = {
  visited: ['/', '/about', '/blog', '/blog/1'],
  back: ['s7 -> s0'],
  names: 'pushable unique tee(2) toArray map(fetchLinks) map(newLinks) flatten sink(pushBack)',
}
