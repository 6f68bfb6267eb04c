import { pipe, unique, pluck, slice, toArray } from '../../src/index.js'

interface Reading {
  sensor: string
  value: number
}

export async function run() {
  const readings: Reading[] = [
    { sensor: 'a', value: 1 },
    { sensor: 'b', value: 2 },
    { sensor: 'a', value: 3 },
    { sensor: 'c', value: 4 },
    { sensor: 'b', value: 5 },
  ]
  // the first reading of each sensor, its value only, and of those every other one
  return pipe(readings, unique({ key: (r: Reading) => r.sensor }), pluck('value'), slice(0, undefined, 2), toArray())
}

export const expected = [1, 4]
