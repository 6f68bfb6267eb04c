import pl from 'nodejs-polars'
import { pipe, pushable, map, filter } from '../../src/index.js'
import { instrument, serveDashboard } from '../../src/see/index.js'

function toCelsius(df: pl.DataFrame) {
  return df.select('time', pl.col('fahrenheit').minus(32).mul(5).div(9).alias('celsius'))
}
const notEmpty = (df: pl.DataFrame) => df.height > 0

export async function run() {
  // chunks of readings go through a pipeline; the dashboard is its sink
  const readings = pushable<pl.DataFrame>()
  const celsius = pipe(readings, map(toCelsius), filter(notEmpty))
  const seen = instrument(celsius)
  const dash = await serveDashboard({
    port: 0, // any free port; a real one stays open for people: console.log(dash.url)
    pipeline: seen,
    frames: { temperature: { stream: celsius, x: 'time' } },
    backlog: 500,
  })
  try {
    for (let minute = 0; minute < 3; minute++) {
      const time = [0, 20, 40].map((s) => new Date(Date.UTC(2026, 0, 1, 12, minute, s)))
      await readings.emit(pl.DataFrame({ time, fahrenheit: [50, 59, 68] }))
    }
    readings.end()
    await dash.done // the dashboard read every chunk

    // the page, and what a page opened now is sent first (also at /state.json)
    const page = await fetch(dash.url)
    const state = (await (await fetch(new URL('state.json', dash.url))).json()) as {
      graph: { nodes: { name: string }[] }
      frames: { rows: number; layout: { x: string; columns: string[] }; points: { ys: number[][] } }[]
    }
    const frame = state.frames[0]!
    return {
      page: page.headers.get('content-type'),
      stages: state.graph.nodes.map((n) => n.name),
      rows: frame.rows,
      x: frame.layout.x,
      columns: frame.layout.columns,
      last: frame.points.ys[0]!.slice(-3),
    }
  } finally {
    await dash.close()
  }
}

export const expected = {
  page: 'text/html; charset=utf-8',
  stages: ['pushable', 'map(toCelsius)', 'filter(notEmpty)'],
  rows: 9,
  x: 'time',
  columns: ['celsius'],
  last: [10, 15, 20],
}
