// Barrel of the time-based operators: delay, rateLimit, timedWindow.
export { delay, type DelayOptions } from './delay.js'
export { rateLimit, type RateLimitOptions } from './rate-limit.js'
export { timedWindow, type TimedWindowOptions } from './timed-window.js'
