// A plain JavaScript task module: the pool runs .mjs as well as .ts.
export default function negate(x) {
  return -x
}

export function square(x) {
  return x * x
}
