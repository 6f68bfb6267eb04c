// Tasks for docs/pool.md: two named exports of one module, for two stages on one pool.
export function words(line: string): string[] {
  return line.split(/\s+/).filter((w) => w.length > 0)
}

export function longest(words: readonly string[]): string {
  return words.reduce((a, b) => (b.length > a.length ? b : a), '')
}
