// Barrel of the branching and joining combinators: tee, merge, zip, combineLatest, zipLatest.
export {}
