import {
  pipe,
  pushable,
  map,
  accumulate,
  unique,
  slidingWindow,
  slice,
  tee,
  zip,
  timedWindow,
  toArray,
  FakeClock,
} from '../../src/index.js'

export async function run() {
  // map and accumulate: a running total of squares
  const totals = await pipe(
    [1, 2, 3, 4],
    map((x: number) => x * x),
    accumulate((a: number, b: number) => a + b),
    toArray(),
  )

  // flow control: drop repeats, then overlapping windows of two
  const windows = await pipe([1, 1, 2, 3, 3, 4], unique(), slidingWindow(2, { returnPartial: false }), toArray())

  // branching and joining: one source, two branches, zipped back together
  const [tens, ones] = tee([1, 2, 3], 2)
  const pairs = await pipe(
    zip(
      pipe(
        tens,
        map((x: number) => x * 10),
      ),
      ones,
    ),
    toArray(),
  )

  // time and back pressure: emit waits until the pipeline has taken the value; a fake clock drives the windows
  const clock = new FakeClock()
  const clicks = pushable<string>()
  const perSecond = pipe(
    clicks,
    timedWindow('1s', { clock }),
    map((w) => w.length),
    toArray(),
  )
  await clicks.emit('click')
  await clicks.emit('click')
  await clock.advance(1000)
  await clicks.emit('click')
  await clock.advance(1000)
  clicks.end()

  // feedback: each page pushes its links back into its own source; unique() visits each page once
  const web: Record<string, string[]> = { '/': ['/a', '/b'], '/a': ['/', '/b'], '/b': ['/a'] }
  const urls = pushable<string>()
  const visit = (url: string) => {
    for (const link of web[url] ?? []) urls.push(link)
    return url
  }
  const crawl = pipe(urls, unique(), map(visit), slice(0, 3), toArray())
  urls.push('/')

  return { totals, windows, pairs, perSecond: await perSecond, crawl: await crawl }
}

export const expected = {
  totals: [1, 5, 14, 30],
  windows: [
    [1, 2],
    [2, 3],
    [3, 4],
  ],
  pairs: [
    [10, 1],
    [20, 2],
    [30, 3],
  ],
  perSecond: [2, 1],
  crawl: ['/', '/a', '/b'],
}
