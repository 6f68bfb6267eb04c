import { pipe, map, type Stage } from '../../src/index.js'

export async function run() {
  const log: string[] = []

  async function* readings() {
    try {
      for (let i = 1; ; i++) {
        log.push(`read ${i}`)
        yield i
      }
    } finally {
      log.push('source closed') // a real source would close its file or socket here
    }
  }

  function logged<T>(name: string): Stage<T, T> {
    return async function* loggedStage(source) {
      try {
        yield* source
      } finally {
        log.push(`${name} closed`)
      }
    }
  }

  for await (const x of pipe(
    readings(),
    logged('stage'),
    map((x: number) => x * 10),
  )) {
    log.push(`got ${x}`)
    if (x === 20) break // return() travels up: every finally runs
  }
  return log
}

export const expected = ['read 1', 'got 10', 'read 2', 'got 20', 'source closed', 'stage closed']
