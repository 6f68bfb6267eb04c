// Bench helper: hash items [from, to) in this process and print the time and the sum, for the
// pool bench's "two processes" row (what this machine gives two busy cores, with no threads).
// node --import tsx bench/tasks/hash-range.ts <from> <to> <rounds>

import { performance } from 'node:perf_hooks'
import { hashWork } from './hash.js'

const [from, to, rounds] = process.argv.slice(2).map(Number) as [number, number, number]
for (let i = 0; i < 50; i++) hashWork({ i, rounds }) // warm up the JIT, as the main-thread row is
const t0 = performance.now()
let sum = 0
for (let i = from; i < to; i++) sum = (sum + hashWork({ i, rounds })) % 2 ** 32
console.log(JSON.stringify({ ms: performance.now() - t0, sum }))
