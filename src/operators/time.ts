// Barrel of the time-based operators: delay, rateLimit, timedWindow.
export {}
