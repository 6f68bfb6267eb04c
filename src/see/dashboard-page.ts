/**
 * The dashboard's one page: HTML, CSS and a small browser script (plain JavaScript, kept in a
 * string so that `tsc` carries it into dist/ with the rest). The script draws the pipeline graph
 * in SVG with a layered layout of its own, and one uPlot chart per frame; everything it learns
 * comes over the WebSocket at `./ws`. It keeps its state on `window.__dashboard` for tests and for
 * the curious (`graph`, `snapshot`, `snapshots`, `frames[name].points`, `charts[name]`).
 * @internal
 */
export function dashboardPage(title: string): string {
  const t = escapeHtml(title)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t}</title>
<link rel="stylesheet" href="uPlot.min.css">
<style>${CSS}</style>
<script src="uPlot.iife.min.js"></script>
</head>
<body>
<header><h1>${t}</h1><span id="status" class="off">connecting…</span></header>
<section id="graph-section"><h2>Pipeline</h2><div id="graph"><p class="none">no pipeline given</p></div></section>
<section id="frames-section"><h2>Frames</h2><div id="frames"><p class="none">no frames given</p></div></section>
<script>${CLIENT}</script>
</body>
</html>
`
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

const CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
header { display: flex; align-items: baseline; gap: 1em; padding: 0.6em 1.2em; background: #fff; border-bottom: 1px solid #ddd; }
h1 { font-size: 1.2em; margin: 0; }
h2 { font-size: 1em; margin: 0 0 0.5em; color: #555; }
section { padding: 0.8em 1.2em; }
#status { font-size: 0.9em; color: #2a7a2a; }
#status.off { color: #a33; }
#graph { overflow-x: auto; background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 6px; }
#graph svg { display: block; max-width: 100%; height: auto; }
#graph svg text { font: 12px system-ui, sans-serif; fill: #222; }
#graph svg text.name { font-weight: 600; }
#graph svg text.fig { fill: #555; font-size: 11px; }
#graph .node rect { fill: #f3f3f3; stroke: #888; stroke-width: 1.2; }
#graph .kind-source rect { fill: #e8f4e8; stroke: #4a8a4a; }
#graph .kind-sink rect { fill: #e8eef8; stroke: #4a6aa8; }
#graph .kind-join rect, #graph .kind-split rect { fill: #f4eaf6; stroke: #8a4a9a; }
#graph .node.waiting rect { stroke: #d08000; stroke-width: 2.4; }
#graph path.edge { fill: none; stroke: #777; stroke-width: 1.3; }
#graph path.edge.back { stroke-dasharray: 5 3; }
#frames { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 12px; }
.frame { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 6px; min-width: 0; }
.frame .meta { font-size: 0.85em; color: #666; margin: 0 0 4px 4px; }
.frame .meta.error { color: #a33; }
.none { color: #888; margin: 0.3em; }
`

const CLIENT = String.raw`
(() => {
  'use strict'
  const SVG = 'http://www.w3.org/2000/svg'
  const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf']
  const W = 184, H = 62, GAP_X = 48, GAP_Y = 22, PAD = 16
  const state = { connected: false, messages: 0, graph: null, snapshot: null, snapshots: 0, backlog: 1000, frames: {}, charts: {} }
  window.__dashboard = state
  const statusEl = document.getElementById('status')
  const graphEl = document.getElementById('graph')
  const framesEl = document.getElementById('frames')
  let nodeEls = new Map()

  function svg(name, attrs, parent) {
    const e = document.createElementNS(SVG, name)
    for (const k in attrs) e.setAttribute(k, String(attrs[k]))
    if (parent) parent.appendChild(e)
    return e
  }
  function count(n) {
    if (n >= 1e9) return (n / 1e9).toFixed(1) + 'G'
    if (n >= 1e6) return (n / 1e6).toFixed(1) + 'M'
    if (n >= 1e4) return (n / 1e3).toFixed(1) + 'k'
    return String(Math.round(n))
  }
  function rate(r) { return r >= 100 ? count(r) : r >= 10 ? r.toFixed(1) : r.toFixed(2) }
  function ms(t) { return t >= 60000 ? (t / 60000).toFixed(1) + 'm' : t >= 1000 ? (t / 1000).toFixed(1) + 's' : Math.round(t) + 'ms' }
  function clip(s, n) { return s.length > n ? s.slice(0, n - 1) + '…' : s }

  // Layered layout, left to right: ranks are the longest path from a source once the edges that
  // close a loop (marked 'back', or found by a depth-first walk) are set aside; within a rank, nodes sit near the
  // mean position of what feeds them.
  function layout(graph) {
    const ids = graph.nodes.map((n) => n.id)
    const out = new Map(ids.map((id) => [id, []]))
    const inc = new Map(ids.map((id) => [id, []]))
    const edges = graph.edges.filter((e) => out.has(e.from) && out.has(e.to))
    for (const e of edges) { out.get(e.from).push(e.to); inc.get(e.to).push(e.from) }
    const back = new Set(), seen = new Set(), onPath = new Set()
    const key = (a, b) => a + '\u0000' + b
    for (const e of edges) if (e.back) back.add(key(e.from, e.to))
    function visit(id) {
      seen.add(id); onPath.add(id)
      for (const t of out.get(id)) {
        if (back.has(key(id, t))) continue
        if (onPath.has(t)) back.add(key(id, t))
        else if (!seen.has(t)) visit(t)
      }
      onPath.delete(id)
    }
    for (const id of ids) if (inc.get(id).length === 0 && !seen.has(id)) visit(id)
    for (const id of ids) if (!seen.has(id)) visit(id)
    const rank = new Map()
    function rankOf(id) {
      if (rank.has(id)) return rank.get(id)
      let r = 0
      for (const f of inc.get(id)) if (!back.has(key(f, id))) r = Math.max(r, rankOf(f) + 1)
      rank.set(id, r)
      return r
    }
    const layers = []
    for (const id of ids) { const r = rankOf(id); (layers[r] = layers[r] || []).push(id) }
    const slot = new Map()
    // the ends of loop edges go to the bottom of their layer, so that the loop, drawn under
    // the boxes, crosses none of them
    const looped = new Set()
    for (const e of edges) if (back.has(key(e.from, e.to))) { looped.add(e.from); looped.add(e.to) }
    layers.forEach((layer) => {
      const order = new Map(layer.map((id, i) => [id, i]))
      const centre = (id) => {
        const ps = inc.get(id).filter((p) => slot.has(p) && !back.has(key(p, id)))
        return ps.length ? ps.reduce((s, p) => s + slot.get(p), 0) / ps.length : 1e6 + order.get(id)
      }
      const place = (id) => (looped.has(id) ? 1e9 : 0) + centre(id)
      layer.sort((a, b) => place(a) - place(b) || order.get(a) - order.get(b))
      layer.forEach((id, i) => slot.set(id, i))
    })
    const rows = Math.max(1, ...layers.map((l) => (l ? l.length : 0)))
    const at = new Map()
    layers.forEach((layer, r) => layer.forEach((id, i) => {
      at.set(id, { x: PAD + r * (W + GAP_X), y: PAD + (i + (rows - layer.length) / 2) * (H + GAP_Y) })
    }))
    const hasBack = back.size > 0
    return { at, edges, back, key, width: PAD * 2 + layers.length * (W + GAP_X) - GAP_X, height: PAD * 2 + rows * (H + GAP_Y) - GAP_Y + (hasBack ? 48 : 0), bottom: PAD + rows * (H + GAP_Y) - GAP_Y }
  }

  function drawGraph(graph) {
    state.graph = graph
    graphEl.textContent = ''
    nodeEls = new Map()
    if (!graph || graph.nodes.length === 0) {
      const p = document.createElement('p'); p.className = 'none'; p.textContent = 'no pipeline given'; graphEl.appendChild(p)
      return
    }
    const L = layout(graph)
    const root = svg('svg', { width: L.width, height: L.height, viewBox: '0 0 ' + L.width + ' ' + L.height, role: 'img' }, graphEl)
    const defs = svg('defs', {}, root)
    const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs)
    svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#777' }, marker)
    for (const e of L.edges) {
      const a = L.at.get(e.from), b = L.at.get(e.to)
      let d, cls = 'edge'
      if (L.back.has(L.key(e.from, e.to))) {
        cls += ' back'
        const y = L.bottom + 36
        d = 'M' + (a.x + W / 2) + ',' + (a.y + H) + ' C' + (a.x + W / 2) + ',' + y + ' ' + (b.x + W / 2) + ',' + y + ' ' + (b.x + W / 2) + ',' + (b.y + H)
      } else {
        const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mx = (x1 + x2) / 2
        d = 'M' + x1 + ',' + y1 + ' C' + mx + ',' + y1 + ' ' + mx + ',' + y2 + ' ' + x2 + ',' + y2
      }
      svg('path', { d, class: cls, 'marker-end': 'url(#arrow)', 'data-from': e.from, 'data-to': e.to }, root)
    }
    for (const n of graph.nodes) {
      const p = L.at.get(n.id)
      const g = svg('g', { class: 'node kind-' + n.kind, 'data-id': n.id, transform: 'translate(' + p.x + ',' + p.y + ')' }, root)
      svg('title', {}, g).textContent = n.name + ' (' + n.kind + ')'
      svg('rect', { width: W, height: H, rx: 7 }, g)
      svg('text', { x: 10, y: 19, class: 'name' }, g).textContent = clip(n.name, 26)
      const f1 = svg('text', { x: 10, y: 37, class: 'fig' }, g)
      const f2 = svg('text', { x: 10, y: 53, class: 'fig' }, g)
      nodeEls.set(n.id, { g, f1, f2 })
    }
    if (state.snapshot) showFigures(state.snapshot)
  }

  function showFigures(snapshot) {
    state.snapshot = snapshot
    for (const s of snapshot.stages) {
      const n = nodeEls.get(s.id)
      if (!n) continue
      n.f1.textContent = count(s.in) + ' in · ' + count(s.out) + ' out · ' + rate(s.rate) + '/s'
      n.f2.textContent = 'busy ' + ms(s.busyMs) + (s.waiting > 0 ? ' · waiting ' + count(s.waiting) : '') + (s.inFlight > 0 ? ' · in flight ' + count(s.inFlight) : '')
      n.g.classList.toggle('waiting', s.waiting > 0)
    }
  }

  // Frames: one uPlot chart each, holding at most 'backlog' points.
  function frameBox(name) {
    let f = state.frames[name]
    if (f) return f
    if (Object.keys(state.frames).length === 0) framesEl.textContent = ''
    const box = document.createElement('div')
    box.className = 'frame'
    box.dataset.frame = name
    const meta = document.createElement('div')
    meta.className = 'meta'
    meta.textContent = name + ': waiting for the first chunk'
    box.appendChild(meta)
    framesEl.appendChild(box)
    resized.observe(box)
    f = state.frames[name] = { name, kind: 'line', layout: null, data: null, chunks: 0, rows: 0, points: 0, ended: false, error: null, box, meta, dirty: false }
    return f
  }

  function setupFrame(info) {
    const f = frameBox(info.name)
    f.kind = info.kind
    f.chunks = info.chunks
    f.rows = info.rows
    f.ended = info.ended
    f.error = info.error
    if (!info.layout) { showMeta(f); return }
    const same = f.layout && JSON.stringify(f.layout) === JSON.stringify(info.layout)
    f.layout = info.layout
    f.data = [info.points ? info.points.x.slice() : []].concat(info.layout.columns.map((_, i) => (info.points ? info.points.ys[i].slice() : [])))
    f.points = f.data[0].length
    if (!same || !state.charts[f.name]) makeChart(f)
    else state.charts[f.name].setData(f.data)
    showMeta(f)
  }

  // the smallest gap between two x values: the width of a bar slot
  function step(xs) {
    let d = Infinity
    for (let i = 1; i < xs.length; i++) { const g = xs[i] - xs[i - 1]; if (g > 0 && g < d) d = g }
    return d === Infinity ? 1 : d
  }
  // bars of n series side by side in each slot
  function groupedBars(i, n) {
    return uPlot.paths.bars({ disp: {
      x0: { unit: 1, values: (u) => { const w = step(u.data[0]); return u.data[0].map((x) => x - 0.4 * w + (i * 0.8 * w) / n) } },
      size: { unit: 1, values: (u) => [(0.8 * step(u.data[0])) / n] },
    } })
  }

  function makeChart(f) {
    const old = state.charts[f.name]
    if (old) old.destroy()
    const bars = f.kind === 'bar'
    const n = f.layout.columns.length
    const series = [{ label: f.layout.x || 'row' }].concat(f.layout.columns.map((c, i) => {
      const colour = PALETTE[i % PALETTE.length]
      const s = { label: c, stroke: colour, width: 1.5, points: { show: false } }
      if (bars) { s.fill = colour + 'aa'; s.width = 1; s.paths = groupedBars(i, n) }
      return s
    }))
    const opts = {
      title: f.name,
      width: Math.max(300, f.box.clientWidth - 12),
      height: 240,
      scales: { x: { time: f.layout.time } },
      series,
    }
    if (bars) {
      opts.scales.x.range = (u, min, max) => { const w = step(u.data[0]); return [min - w / 2, max + w / 2] }
      opts.scales.y = { range: (u, min, max) => [Math.min(0, min), Math.max(0, max) * 1.05] }
    }
    state.charts[f.name] = new uPlot(opts, f.data, f.box)
  }

  function showMeta(f) {
    f.meta.classList.toggle('error', !!f.error)
    let s = f.name + ': ' + f.chunks + ' chunk' + (f.chunks === 1 ? '' : 's') + ', ' + f.rows + ' rows, showing the last ' + f.points
    if (f.error) s += ' · failed: ' + f.error
    else if (f.ended) s += ' · ended'
    f.meta.textContent = s
  }

  function addRows(m) {
    const f = frameBox(m.frame)
    if (!f.layout || JSON.stringify(f.layout) !== JSON.stringify(m.layout)) {
      f.layout = m.layout
      f.data = [[]].concat(m.layout.columns.map(() => []))
      makeChart(f)
    }
    const d = f.data
    for (const v of m.x) d[0].push(v)
    m.ys.forEach((ys, i) => { for (const v of ys) d[i + 1].push(v) })
    const over = d[0].length - state.backlog
    if (over > 0) for (const a of d) a.splice(0, over)
    f.chunks = m.chunks
    f.rows = m.rows
    f.points = d[0].length
    showMeta(f)
    if (!f.dirty) {
      f.dirty = true
      requestAnimationFrame(() => { f.dirty = false; const c = state.charts[f.name]; if (c) c.setData(f.data) })
    }
  }

  function onMessage(m) {
    state.messages++
    if (m.type === 'hello') {
      state.backlog = m.backlog
      drawGraph(m.graph)
      if (m.snapshot) { showFigures(m.snapshot); state.snapshots++ }
      if (m.frames.length) for (const info of m.frames) setupFrame(info)
    } else if (m.type === 'snapshot') {
      if (m.graph) drawGraph(m.graph)
      showFigures(m.snapshot)
      state.snapshots++
      statusEl.textContent = 'live · ' + new Date(m.snapshot.at).toLocaleTimeString()
    } else if (m.type === 'rows') {
      addRows(m)
    } else if (m.type === 'end') {
      const f = frameBox(m.frame)
      f.ended = true
      f.error = m.error || null
      showMeta(f)
    }
  }

  function connect() {
    const url = new URL('ws', location.href)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    const ws = new WebSocket(url)
    ws.onopen = () => { state.connected = true; statusEl.className = ''; statusEl.textContent = 'live' }
    ws.onmessage = (e) => onMessage(JSON.parse(e.data))
    ws.onclose = () => {
      state.connected = false
      statusEl.className = 'off'
      statusEl.textContent = 'disconnected, retrying…'
      setTimeout(connect, 1000)
    }
  }

  // a chart follows its box's width (the window's, and the grid's as frames are added)
  const resized = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const name = entry.target.dataset.frame
      const chart = state.charts[name]
      const width = Math.max(300, entry.target.clientWidth - 12)
      if (chart && chart.width !== width) chart.setSize({ width, height: 240 })
    }
  })
  connect()
})()
`
