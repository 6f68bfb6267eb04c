// Bench task: fixed CPU work, `rounds` chained SHA-256 digests (digest = sha256(previous digest ‖
// a 1 KiB block seeded by `i`)). The bench calibrates `rounds` once so that one call takes about
// 2 ms; the main-thread row and every pool row run this same function on the same items. Returns
// the first 4 bytes of the last digest, so the rows' results can be compared.
//
// SHA-256 is written out in JavaScript here on purpose: node:crypto's createHash contends across
// worker threads of one process (two threads hashing get far less than twice the throughput of
// one, while two processes get twice), which would measure OpenSSL's locking, not the pool.

export interface HashItem {
  readonly i: number
  readonly rounds: number
}

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
])
const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
const W = new Uint32Array(64)
const H = new Uint32Array(8)

function compress(view: DataView, at: number): void {
  for (let t = 0; t < 16; t++) W[t] = view.getUint32(at + t * 4)
  for (let t = 16; t < 64; t++) {
    const a = W[t - 15] as number
    const b = W[t - 2] as number
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3)
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10)
    W[t] = ((W[t - 16] as number) + s0 + (W[t - 7] as number) + s1) | 0
  }
  let a = H[0] as number
  let b = H[1] as number
  let c = H[2] as number
  let d = H[3] as number
  let e = H[4] as number
  let f = H[5] as number
  let g = H[6] as number
  let h = H[7] as number
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + (K[t] as number) + (W[t] as number)) | 0
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0
    h = g
    g = f
    f = e
    e = (d + t1) | 0
    d = c
    c = b
    b = a
    a = (t1 + t2) | 0
  }
  H[0] = (H[0] as number) + a
  H[1] = (H[1] as number) + b
  H[2] = (H[2] as number) + c
  H[3] = (H[3] as number) + d
  H[4] = (H[4] as number) + e
  H[5] = (H[5] as number) + f
  H[6] = (H[6] as number) + g
  H[7] = (H[7] as number) + h
}

/** SHA-256 of `msg[0, len)`; `msg` must have room for the padding (len + 72 bytes, rounded up to 64). */
export function sha256Into(msg: Uint8Array, len: number, out: Uint8Array): void {
  const total = Math.ceil((len + 9) / 64) * 64
  msg.fill(0, len, total)
  msg[len] = 0x80
  const view = new DataView(msg.buffer, msg.byteOffset, total)
  view.setUint32(total - 4, (len * 8) >>> 0)
  view.setUint32(total - 8, Math.floor((len * 8) / 2 ** 32))
  H.set(H0)
  for (let at = 0; at < total; at += 64) compress(view, at)
  const o = new DataView(out.buffer, out.byteOffset, 32)
  for (let k = 0; k < 8; k++) o.setUint32(k * 4, H[k] as number)
}

const BLOCK = 1024
const msg = new Uint8Array(32 + BLOCK + 128)
const digest = new Uint8Array(32)

export function hashWork(item: HashItem): number {
  digest.fill(0)
  msg.fill(0, 32, 32 + BLOCK)
  new DataView(msg.buffer).setUint32(32, item.i >>> 0)
  for (let r = 0; r < item.rounds; r++) {
    msg.set(digest, 0)
    sha256Into(msg, 32 + BLOCK, digest)
  }
  return new DataView(digest.buffer).getUint32(0)
}

export default hashWork
