import { pipe, pushable, unique, slice, map, sink } from '../../src/index.js'

// a tiny web, so the example needs no network: each page and the links on it
const web: Record<string, string[]> = {
  '/': ['/about', '/blog'],
  '/about': ['/', '/team'],
  '/blog': ['/blog/1', '/blog/2', '/'],
  '/blog/1': ['/blog/2', '/about'],
  '/blog/2': ['/blog/1'],
  '/team': ['/about', '/jobs'],
  '/jobs': [],
}

async function fetchPage(url: string) {
  await Promise.resolve() // a real crawler would fetch(url) here
  return { url, links: web[url] ?? [] }
}

export async function run() {
  const urls = pushable<string>()
  const visited: string[] = []
  const done = pipe(
    urls,
    unique(), // never visit a page twice
    slice(0, 5), // a crawl budget: the web never runs out, the budget does
    map(fetchPage),
    sink((page) => {
      visited.push(page.url)
      for (const link of page.links) urls.push(link) // feed the links back in
    }),
  )

  urls.push('/')
  await done
  return visited
}

export const expected = ['/', '/about', '/blog', '/team', '/blog/1']
