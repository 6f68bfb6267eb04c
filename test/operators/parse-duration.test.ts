import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseDuration } from '../../src/index.js'

test('a number is a count of milliseconds', () => {
  assert.equal(parseDuration(0), 0)
  assert.equal(parseDuration(250), 250)
  assert.equal(parseDuration(1.5), 1.5)
})

test('every unit', () => {
  assert.equal(parseDuration('500'), 500)
  assert.equal(parseDuration('500ms'), 500)
  assert.equal(parseDuration('2s'), 2_000)
  assert.equal(parseDuration('1m'), 60_000)
  assert.equal(parseDuration('2h'), 7_200_000)
  assert.equal(parseDuration('1d'), 86_400_000)
  assert.equal(parseDuration('1w'), 604_800_000)
  assert.equal(parseDuration('0s'), 0)
  // units are case-insensitive
  assert.equal(parseDuration('2S'), 2_000)
  assert.equal(parseDuration('3MS'), 3)
})

test('decimals', () => {
  assert.equal(parseDuration('1.5s'), 1_500)
  assert.equal(parseDuration('.5s'), 500)
  assert.equal(parseDuration('0.25m'), 15_000)
  assert.equal(parseDuration('1.5h'), 5_400_000)
  assert.equal(parseDuration('2.5'), 2.5)
})

test('spaces around and between the number and the unit', () => {
  assert.equal(parseDuration(' 2s '), 2_000)
  assert.equal(parseDuration('2 s'), 2_000)
  assert.equal(parseDuration('\t10 ms\n'), 10)
})

test('a negative or NaN number is a RangeError naming the value', () => {
  assert.throws(() => parseDuration(-1), {
    name: 'RangeError',
    message: 'parseDuration: value must be a non-negative duration, got -1',
  })
  assert.throws(() => parseDuration(NaN), {
    name: 'RangeError',
    message: 'parseDuration: value must be a non-negative duration, got NaN',
  })
})

test('an unparseable string is a RangeError naming the value', () => {
  for (const bad of [
    '5 parsecs',
    '',
    '  ',
    '-5s',
    '-1',
    'NaN',
    's',
    '1e3',
    '5 m s',
    '2x',
    '1,5s',
    '1..5s',
    'Infinity',
  ]) {
    assert.throws(
      () => parseDuration(bad),
      (e: unknown) => {
        assert.ok(e instanceof RangeError, `${JSON.stringify(bad)}: ${String(e)}`)
        assert.ok(e.message.startsWith('parseDuration: value must be a duration like'), e.message)
        assert.ok(e.message.endsWith(`got ${JSON.stringify(bad)}`), e.message)
        return true
      },
    )
  }
  assert.throws(() => parseDuration('5 parsecs'), /got "5 parsecs"$/)
})

test('anything but a number or a string is a TypeError naming the value', () => {
  const cases: [unknown, string][] = [
    [null, 'null'],
    [undefined, 'undefined'],
    [{}, '[object Object]'],
    [{ ms: 5 }, '[object Object]'],
    [[5], 'an array of length 1'],
    [true, 'true'],
    [5n, '5'],
    [new Date(0), '[object Date]'],
  ]
  for (const [bad, shown] of cases)
    assert.throws(() => parseDuration(bad as number), {
      name: 'TypeError',
      message: `parseDuration: value must be a number of milliseconds or a duration string, got ${shown}`,
    })
})
