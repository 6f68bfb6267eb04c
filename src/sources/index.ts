// Barrel of the local sources and sinks.
export { pushable, type Pushable, type PushableOptions } from './pushable.js'
export { fromIterable } from './from-iterable.js'
export { periodic, type PeriodicOptions } from './periodic.js'
export { files, type FilesOptions } from './files.js'
export { fromTextfile, type FromTextfileOptions } from './from-textfile.js'
export { fromProcess, type FromProcessOptions } from './from-process.js'
export { sinkToTextfile, type SinkToTextfileOptions } from './sink-to-textfile.js'
