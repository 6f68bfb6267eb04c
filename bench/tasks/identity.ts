// Bench task: the trivial task (x => x), to measure what each call through a pool costs.

export default function identity(x: number): number {
  return x
}
