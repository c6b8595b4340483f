// The page's number formatter (web/src/ui/dom.js formatValue), in its two
// styles: 'decimals' for the lab's cells, sums and equations (checked
// character for character by the end-to-end tests), 'significant' for
// legends. To add a case: a value and the text you expect, in one style.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatValue } from '../../web/src/ui/dom.js';

test("'decimals': whole numbers as they are, up to three decimals, a real minus sign, ±∞", () => {
  const cases = [
    [0, '0'], [-0, '0'], [1, '1'], [-8, '−8'], [24, '24'], [99999, '99999'],
    [0.5, '0.5'], [1.25, '1.25'], [-0.988, '−0.988'], [Math.fround(1 / 9), '0.111'], [2.0004, '2'], [-2.0004, '−2'],
    [0.0005, '0.001'], [0.00049, '4.90e-4'], [-0.00049, '−4.90e-4'], [1e5, '1.00e+5'], [-123456, '−1.23e+5'],
    [Infinity, '∞'], [-Infinity, '−∞'], [NaN, 'NaN'],
  ];
  for (const [x, text] of cases) assert.equal(formatValue(x, 'decimals'), text, String(x));
});

test("'significant' (the default): three significant digits, trailing zeros dropped", () => {
  const cases = [
    [0, '0'], [5, '5'], [-1.5, '-1.5'], [0.0123456, '0.0123'], [12.04, '12'], [0.001, '0.001'], [0.00099, '9.90e-4'],
    [1000, '1.00e+3'], [-2500, '-2.50e+3'], [Infinity, 'Infinity'], [NaN, 'NaN'],
    // a whole number of hundreds keeps its zeros: 120 is not 12
    [100, '100'], [120, '120'], [-150.2, '-150'], [999.4, '999'],
  ];
  for (const [x, text] of cases) assert.equal(formatValue(x), text, String(x));
});
