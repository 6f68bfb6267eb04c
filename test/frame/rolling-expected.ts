// Expected values: Streamz 0.6.4 + pandas 1.5.3 (Debian bookworm), the same chunks emitted into
// `DataFrame(example=..., stream=source)`, rounded to 12 decimals; NaN written as null.
export const ROWS: Record<string, Record<string, (number | null)[]>[]> = {
  mean1: [
    { x: [1, 2], y: [1, 2] },
    { x: [3, null, 5, 6, 4], y: [3, 4, 5, 6, 7] },
    { x: [7], y: [8] },
    { x: [2.5, 8, -1, 0], y: [9, 10, 11, 12] },
  ],
  mean3: [
    { x: [null, null], y: [null, null] },
    { x: [2, null, null, null, 5], y: [2, 3, 4, 5, 6] },
    { x: [5.666666666667], y: [7] },
    { x: [4.5, 5.833333333333, 3.166666666667, 2.333333333333], y: [8, 9, 10, 11] },
  ],
  mean5: [
    { x: [null, null], y: [null, null] },
    { x: [null, null, null, null, null], y: [null, null, 3, 4, 5] },
    { x: [null], y: [6] },
    { x: [4.9, 5.5, 4.1, 3.3], y: [7, 8, 9, 10] },
  ],
  sum1: [
    { x: [1, 2], y: [1, 2] },
    { x: [3, null, 5, 6, 4], y: [3, 4, 5, 6, 7] },
    { x: [7], y: [8] },
    { x: [2.5, 8, -1, 0], y: [9, 10, 11, 12] },
  ],
  sum3: [
    { x: [null, null], y: [null, null] },
    { x: [6, null, null, null, 15], y: [6, 9, 12, 15, 18] },
    { x: [17], y: [21] },
    { x: [13.5, 17.5, 9.5, 7], y: [24, 27, 30, 33] },
  ],
  sum5: [
    { x: [null, null], y: [null, null] },
    { x: [null, null, null, null, null], y: [null, null, 15, 20, 25] },
    { x: [null], y: [30] },
    { x: [24.5, 27.5, 20.5, 16.5], y: [35, 40, 45, 50] },
  ],
  count1: [
    { x: [1, 1], y: [1, 1] },
    { x: [1, 0, 1, 1, 1], y: [1, 1, 1, 1, 1] },
    { x: [1], y: [1] },
    { x: [1, 1, 1, 1], y: [1, 1, 1, 1] },
  ],
  count3: [
    { x: [1, 2], y: [1, 2] },
    { x: [3, 2, 2, 2, 3], y: [3, 3, 3, 3, 3] },
    { x: [3], y: [3] },
    { x: [3, 3, 3, 3], y: [3, 3, 3, 3] },
  ],
  count5: [
    { x: [1, 2], y: [1, 2] },
    { x: [3, 3, 4, 4, 4], y: [3, 4, 5, 5, 5] },
    { x: [4], y: [5] },
    { x: [5, 5, 5, 5], y: [5, 5, 5, 5] },
  ],
  min1: [
    { x: [1, 2], y: [1, 2] },
    { x: [3, null, 5, 6, 4], y: [3, 4, 5, 6, 7] },
    { x: [7], y: [8] },
    { x: [2.5, 8, -1, 0], y: [9, 10, 11, 12] },
  ],
  min3: [
    { x: [null, null], y: [null, null] },
    { x: [1, null, null, null, 4], y: [1, 2, 3, 4, 5] },
    { x: [4], y: [6] },
    { x: [2.5, 2.5, -1, -1], y: [7, 8, 9, 10] },
  ],
  min5: [
    { x: [null, null], y: [null, null] },
    { x: [null, null, null, null, null], y: [null, null, 1, 2, 3] },
    { x: [null], y: [4] },
    { x: [2.5, 2.5, -1, -1], y: [5, 6, 7, 8] },
  ],
  max1: [
    { x: [1, 2], y: [1, 2] },
    { x: [3, null, 5, 6, 4], y: [3, 4, 5, 6, 7] },
    { x: [7], y: [8] },
    { x: [2.5, 8, -1, 0], y: [9, 10, 11, 12] },
  ],
  max3: [
    { x: [null, null], y: [null, null] },
    { x: [3, null, null, null, 6], y: [3, 4, 5, 6, 7] },
    { x: [7], y: [8] },
    { x: [7, 8, 8, 8], y: [9, 10, 11, 12] },
  ],
  max5: [
    { x: [null, null], y: [null, null] },
    { x: [null, null, null, null, null], y: [null, null, 5, 6, 7] },
    { x: [null], y: [8] },
    { x: [7, 8, 8, 8], y: [9, 10, 11, 12] },
  ],
  median1: [
    { x: [1, 2], y: [1, 2] },
    { x: [3, null, 5, 6, 4], y: [3, 4, 5, 6, 7] },
    { x: [7], y: [8] },
    { x: [2.5, 8, -1, 0], y: [9, 10, 11, 12] },
  ],
  median3: [
    { x: [null, null], y: [null, null] },
    { x: [2, null, null, null, 5], y: [2, 3, 4, 5, 6] },
    { x: [6], y: [7] },
    { x: [4, 7, 2.5, 0], y: [8, 9, 10, 11] },
  ],
  median5: [
    { x: [null, null], y: [null, null] },
    { x: [null, null, null, null, null], y: [null, null, 3, 4, 5] },
    { x: [null], y: [6] },
    { x: [5, 6, 4, 2.5], y: [7, 8, 9, 10] },
  ],
  var1: [
    { x: [null, null], y: [null, null] },
    { x: [null, null, null, null, null], y: [null, null, null, null, null] },
    { x: [null], y: [null] },
    { x: [null, null, null, null], y: [null, null, null, null] },
  ],
  var3: [
    { x: [null, null], y: [null, null] },
    { x: [1, null, null, null, 1], y: [1, 1, 1, 1, 1] },
    { x: [2.333333333333], y: [1] },
    { x: [5.25, 8.583333333333, 20.583333333333, 24.333333333333], y: [1, 1, 1, 1] },
  ],
  var5: [
    { x: [null, null], y: [null, null] },
    { x: [null, null, null, null, null], y: [null, null, 2.5, 2.5, 2.5] },
    { x: [null], y: [2.5] },
    { x: [3.05, 5, 13.05, 16.45], y: [2.5, 2.5, 2.5, 2.5] },
  ],
  std1: [
    { x: [null, null], y: [null, null] },
    { x: [null, null, null, null, null], y: [null, null, null, null, null] },
    { x: [null], y: [null] },
    { x: [null, null, null, null], y: [null, null, null, null] },
  ],
  std3: [
    { x: [null, null], y: [null, null] },
    { x: [1, null, null, null, 1], y: [1, 1, 1, 1, 1] },
    { x: [1.527525231652], y: [1] },
    { x: [2.291287847478, 2.929732638541, 4.536885862939, 4.932882862316], y: [1, 1, 1, 1] },
  ],
  std5: [
    { x: [null, null], y: [null, null] },
    { x: [null, null, null, null, null], y: [null, null, 1.581138830084, 1.581138830084, 1.581138830084] },
    { x: [null], y: [1.581138830084] },
    {
      x: [1.746424919657, 2.2360679775, 3.612478373638, 4.055859958135],
      y: [1.581138830084, 1.581138830084, 1.581138830084, 1.581138830084],
    },
  ],
}
export const ROWS_QUANTILE_4: Record<string, (number | null)[][]> = {
  '0.0': [[null, null], [null, null, null, null, null], [4], [2.5, 2.5, -1, -1]],
  '0.3': [[null, null], [null, null, null, null, null], [4.9], [3.85, 3.85, 2.15, -0.1]],
  '0.9': [[null, null], [null, null, null, null, null], [6.7], [6.7, 7.7, 7.7, 6.35]],
  '1.0': [[null, null], [null, null, null, null, null], [7], [7, 8, 8, 8]],
}
export const TIME_2S: Record<string, (number | null)[][]> = {
  mean: [[1, 1.5], [2, 2, 4, 4.666666666667], [5], [5.5, 4.9, 8, 3.5]],
  sum: [[1, 3], [6, 6, 8, 14], [15], [22, 24.5, 8, 7]],
  count: [[1, 2], [3, 3, 2, 3], [3], [4, 5, 1, 2]],
  min: [[1, 1], [1, 1, 3, 3], [4], [4, 2.5, 8, -1]],
  max: [[1, 2], [3, 3, 5, 6], [6], [7, 7, 8, 8]],
  median: [[1, 1.5], [2, 2, 4, 5], [5], [5.5, 5, 8, 3.5]],
  var: [[null, 0.5], [1, 1, 2, 2.333333333333], [1], [1.666666666667, 3.05, null, 40.5]],
  std: [
    [null, 0.707106781187],
    [1, 1, 1.414213562373, 1.527525231652],
    [1],
    [1.290994448736, 1.746424919657, null, 6.363961030679],
  ],
  'q0.25': [[1, 1.25], [1.5, 1.5, 3.5, 4], [4.5], [4.75, 4, 8, 1.25]],
}
