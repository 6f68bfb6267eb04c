import { parseDuration } from '../../src/index.js'

export async function run() {
  // every time argument takes milliseconds or one of these strings
  return ['250ms', '2s', '1.5s', '1m', '2h', '1d', 40].map((d) => parseDuration(d))
}

export const expected = [250, 2000, 1500, 60_000, 7_200_000, 86_400_000, 40]
