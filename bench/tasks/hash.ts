// Bench task: fixed CPU work, `rounds` chained sha256 digests over a 1 KiB buffer seeded by `i`.
// The bench calibrates `rounds` once so that one call takes about 2 ms; the main-thread row and
// every pool row run this same function on the same items. Returns the first 4 bytes of the last
// digest, so the rows' results can be compared.

import { createHash } from 'node:crypto'

export interface HashItem {
  readonly i: number
  readonly rounds: number
}

const block = Buffer.alloc(1024)

export function hashWork(item: HashItem): number {
  block.writeUInt32LE(item.i >>> 0, 0)
  let digest: Buffer = createHash('sha256').update(block).digest()
  for (let r = 1; r < item.rounds; r++) digest = createHash('sha256').update(digest).update(block).digest()
  return digest.readUInt32LE(0)
}

export default hashWork
