import { pipe, pushable, zipLatest, sink } from '../../src/index.js'

export async function run() {
  const clicks = pushable<string>()
  const theme = pushable<string>()
  const seen: [string, string][] = []
  // one output per click, never dropped; each paired with the latest theme
  const done = pipe(
    zipLatest(clicks, theme),
    sink((pair) => {
      seen.push(pair)
    }),
  )

  await theme.emit('light')
  await clicks.emit('click 1') // ['click 1', 'light']
  await clicks.emit('click 2') // ['click 2', 'light']
  await theme.emit('dark')
  await clicks.emit('click 3') // ['click 3', 'dark']
  clicks.end()
  theme.end()
  await done
  return seen
}

export const expected = [
  ['click 1', 'light'],
  ['click 2', 'light'],
  ['click 3', 'dark'],
]
