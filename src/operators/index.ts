// Barrel of the element-wise and windowing operators (one operator per file).
export { map, type MapOptions } from './map.js'
export { filter } from './filter.js'
export { accumulate, type AccumulateOptions } from './accumulate.js'
export { sink } from './sink.js'
export { toArray } from './to-array.js'
export { parseDuration } from './parse-duration.js'
