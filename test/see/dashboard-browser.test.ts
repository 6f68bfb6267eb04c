import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname } from 'node:path'
import pl from 'nodejs-polars'
import { chromium, type Page } from 'playwright-core'
import { map, pipe, pushable, tee, zip } from '../../src/index.js'
import { instrument, serveDashboard } from '../../src/see/index.js'

// The dashboard in a real browser: Debian's Chromium, driven by playwright-core. It loads the
// page, waits for chunks to reach the charts and the figures to reach the graph, and takes the
// screenshot docs/seeing.md shows (docs/images/dashboard.png, written with UPDATE_DOCS=1).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false'
const skip = !existsSync(CHROMIUM) && !ci ? `no Chromium at ${CHROMIUM} (apt-get install chromium)` : false
const screenshot = fileURLToPath(new URL('../../docs/images/dashboard.png', import.meta.url))

/** Chunk i of a made-up quote feed: `rows` rows, one a second. */
function chunk(i: number, rows: number): pl.DataFrame {
  const t0 = Date.UTC(2026, 0, 1, 12) + i * rows * 1000
  const time = Array.from({ length: rows }, (_, r) => new Date(t0 + r * 1000))
  const n = i * rows
  const bid = time.map((_, r) => 100 + 8 * Math.sin((n + r) / 9) + 3 * Math.sin((n + r) / 2.3))
  return pl.DataFrame({ time, bid })
}
function withAsk(df: pl.DataFrame): pl.DataFrame {
  return df.withColumns(
    pl
      .col('bid')
      .plus(pl.lit(1.5))
      .plus(pl.col('bid').mul(pl.lit(0.01)))
      .alias('ask'),
  )
}
const bids = (df: pl.DataFrame): pl.DataFrame => df.select('time', 'bid')
const asks = (df: pl.DataFrame): pl.DataFrame => df.select('ask')
const sideBySide = ([a, b]: [pl.DataFrame, pl.DataFrame]): pl.DataFrame => a.withColumns(...b.getColumns())

// (these callbacks run in the page; the project's TypeScript has no DOM types, so they say what they use)
interface PageDocument {
  querySelector(selector: string): { textContent: string | null } | null
}
interface PageState {
  connected: boolean
  charts: Record<string, { data: unknown[][] } | undefined>
}
const chartLength = (page: Page, name: string): Promise<number> =>
  page.evaluate(
    (n) => (globalThis as unknown as { __dashboard: PageState }).__dashboard.charts[n]?.data[0]?.length ?? 0,
    name,
  )
const waitForLengths = (page: Page, want: Record<string, number>): Promise<unknown> =>
  page.waitForFunction(
    (want) => {
      const d = (globalThis as unknown as { __dashboard: PageState }).__dashboard
      return Object.entries(want).every(([n, len]) => d.charts[n]?.data[0]?.length === len)
    },
    want,
    { timeout: 20_000 },
  )

test(
  'the dashboard in headless Chromium: the graph shows the stages, the charts grow as chunks arrive',
  { skip },
  async (t) => {
    // a real pipeline, instrumented; the dashboard is its sink
    const ticks = pushable<pl.DataFrame>()
    const [forBids, forAsks] = tee(pipe(ticks, map(withAsk)), 2)
    const quotes = pipe(zip(pipe(forBids, map(bids)), pipe(forAsks, map(asks))), map(sideBySide))
    const seen = instrument(quotes)
    const volume = pushable<pl.DataFrame>()
    const dash = await serveDashboard({
      port: 0,
      pipeline: seen,
      frames: { quotes: { stream: quotes, x: 'time' }, volume: { stream: volume, kind: 'bar', x: 'day' } },
      backlog: 200,
      interval: 50,
    })
    t.after(() => dash.close())
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    t.after(() => browser.close())
    const page = await browser.newPage({ viewport: { width: 1400, height: 640 } })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(dash.url)
    await page.waitForFunction(() => (globalThis as unknown as { __dashboard?: PageState }).__dashboard?.connected)

    // the graph: a box per node, named as graphOf names it
    const names = await page.locator('#graph svg g.node text.name').allTextContents()
    assert.deepEqual(
      names,
      seen.graph.nodes.map((n) => n.name),
    )
    assert.deepEqual(
      new Set(names.slice(1)),
      new Set(['map(withAsk)', 'tee(2)', 'map(bids)', 'map(asks)', 'zip', 'map(sideBySide)']),
    )
    assert.equal(await page.locator('#graph svg g.node.kind-split').count(), 1)
    assert.equal(await page.locator('#graph svg g.node.kind-join').count(), 1)
    assert.equal(await page.locator('#graph svg path.edge').count(), seen.graph.edges.length)

    // chunks arrive after the page is open: the charts' data grows, up to the backlog
    assert.equal(await chartLength(page, 'quotes'), 0)
    for (let i = 0; i < 12; i++) {
      await ticks.emit(chunk(i, 10))
      await volume.emit(pl.DataFrame({ day: [i], volume: [20 + ((i * 37) % 17)], returns: [5 + ((i * 11) % 7)] }))
    }
    await waitForLengths(page, { quotes: 120, volume: 12 })
    for (let i = 12; i < 30; i++) await ticks.emit(chunk(i, 10))
    await waitForLengths(page, { quotes: 200 })
    const series = await page.locator('.frame[data-frame="quotes"] .u-legend .u-series .u-label').allTextContents()
    assert.deepEqual(series, ['time', 'bid', 'ask'])

    // the figures reach the graph: all 30 chunks went through map(withAsk)
    const id = seen.graph.nodes.find((n) => n.name === 'map(withAsk)')!.id
    await page.waitForFunction(
      (id) =>
        (globalThis as unknown as { document: PageDocument }).document
          .querySelector(`#graph g.node[data-id="${id}"] text.fig`)
          ?.textContent?.startsWith('30 in · 30 out') === true,
      id,
      { timeout: 20_000 },
    )
    const busy = await page.locator(`#graph g.node[data-id="${id}"] text.fig`).nth(1).textContent()
    assert.match(busy ?? '', /^busy \d+(ms|\.\ds)/)

    // the picture in docs/seeing.md is rewritten with UPDATE_DOCS=1 (or when missing), so that a
    // test run does not leave a changed file behind
    const png = await page.screenshot({ fullPage: true })
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG')
    if (process.env.UPDATE_DOCS === '1' || !existsSync(screenshot)) {
      mkdirSync(dirname(screenshot), { recursive: true })
      writeFileSync(screenshot, png)
      t.diagnostic(`screenshot written to ${screenshot}`)
    }
    assert.deepEqual(errors, [], 'no errors on the page')
  },
)

test('a feedback loop is drawn as a dashed edge under the boxes, its ends at the bottom', { skip }, async (t) => {
  // the graph of the Streamz docs' web crawler, as graphOf gives it with feedback(); no figures
  const graph = {
    nodes: [
      { id: 'a', name: 'pushable', kind: 'source' as const },
      { id: 'b', name: 'map(fetchPage)', kind: 'stage' as const },
      { id: 'c', name: 'tee(2)', kind: 'split' as const },
      { id: 'd', name: 'sink(pushLinks)', kind: 'sink' as const },
      { id: 'e', name: 'toArray', kind: 'sink' as const },
    ],
    edges: [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'c', to: 'd' },
      { from: 'c', to: 'e' },
      { from: 'd', to: 'a', back: true },
    ],
  }
  const dash = await serveDashboard({
    port: 0,
    pipeline: { graph, snapshot: () => ({ at: Date.now(), stages: [] }), stop: () => undefined },
  })
  t.after(() => dash.close())
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  t.after(() => browser.close())
  const page = await browser.newPage()
  await page.goto(dash.url)
  await page.waitForSelector('#graph svg g.node')
  assert.equal(await page.locator('#graph path.edge.back').count(), 1)
  assert.equal(await page.locator('#graph path.edge:not(.back)').count(), 4)
  const top = async (id: string): Promise<number> =>
    (await page.locator(`#graph g.node[data-id="${id}"]`).boundingBox())!.y
  assert.ok((await top('d')) > (await top('e')), 'the loop starts from the lower of the two sinks')
  const loop = (await page.locator('#graph path.edge.back').boundingBox())!
  const lowest = Math.max(...(await Promise.all(['a', 'b', 'c', 'd', 'e'].map(top))))
  assert.ok(loop.y + loop.height > lowest + 62, 'the loop runs under the boxes')
})
