// The engine's messages, sampled: thousands of layer specs with one field set
// to a bad value (of the wrong type, a fraction, out of range, not fitting the
// others) from a fixed seed. Every refusal must name the field as PyTorch
// spells it and the value as it was given, and leave the engine working.
// To add a case: add a value to BAD (for every field) or a field rule to
// bad(); a message that names neither is then reported with its spec.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine, EngineError } from '../../web/src/engine/engine.js';

let engine;
before(async () => {
  engine = await loadEngine();
});

const SEED = 20261127;
function generator(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { below: (n) => Math.floor(next() * n), pick: (a) => a[Math.floor(next() * a.length)] };
}

// Values no field of its type takes (numbers beyond 2^31 or fractional, the wrong type, ...).
const BAD = {
  int: [0, -1, -7, 1.5, 0.1, 2 ** 31, 2 ** 32, 1e15, NaN, Infinity, -Infinity, '3', true, null, [1, 2], {}],
  pair: [0, -2, [0, 1], [1, -1], 2.5, [1.5, 1], 2 ** 40, NaN, '2', true, [1, 2, 3], [], { h: 1 }],
  padding: [-1, [-1, 0], 1.25, 2 ** 33, 'full', 'SAME', true, NaN, [0, 0, 0]],
  bool: [0, 1, 'false', 'true', null, 2, NaN],
  float: [NaN, Infinity, -Infinity, 2e6, -3e6, 1e39, '0.1', '', true, null],
};

/** How a value is written in a message: as JavaScript writes a number, JSON for anything else. */
const written = (v) => (typeof v === 'number' ? String(v) : JSON.stringify(v));

test('every refused field is named as PyTorch spells it, with the value given', () => {
  const r = generator(SEED);
  const kinds = engine.kinds;
  let refused = 0, accepted = 0;
  const failures = [];
  for (let i = 0; i < 4000; i++) {
    const type = r.pick(kinds);
    const fields = engine.schema.fields.filter((f) => f.kinds[type]);
    if (!fields.length) continue;
    const f = r.pick(fields);
    const value = r.pick(BAD[f.type]);
    const spec = type === 'conv2d' ? { type, in_channels: 4, out_channels: 4 } : { type };
    spec[f.name] = value;
    const shape = type === 'dense' ? [1, 1] : [1, 4, 9, 9];
    let message = null;
    try {
      engine.layerGeometry(spec, shape);
      accepted++;
      continue;
    } catch (e) {
      assert.ok(e instanceof EngineError, `${JSON.stringify(spec)}: ${e}`);
      message = e.message;
    }
    refused++;
    const names = message.includes(f.name);
    // the value: as written, or (a number) the same number in the message
    const numbers = (message.match(/-?(?:\d+\.?\d*(?:e[-+]?\d+)?|Infinity|NaN)/gi) ?? []).map(Number);
    const items = Array.isArray(value) ? value : [value];
    const shows = message.includes(written(value)) || message.includes(String(value))
      || items.some((v) => typeof v === 'number' && (numbers.includes(v) || (Number.isNaN(v) && /NaN/.test(message))))
      || (typeof value === 'string' && message.includes(value));
    if (!names || !shows) failures.push(`${JSON.stringify(spec, (k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))} -> ${message}`);
  }
  console.log(`${refused} bad specs refused, ${accepted} taken (a value that is right for that field: 0 for padding, 0.1 for a slope)`);
  assert.deepEqual(failures.slice(0, 10), [], `${failures.length} messages do not name the field and the value`);
  assert.ok(refused > 1500);
  // and the engine still answers
  assert.deepEqual(engine.layerGeometry({ type: 'conv2d', kernel_size: 3 }, [1, 1, 5, 5]).outShape, [1, 1, 3, 3]);
});

test('an input that does not fit names the sizes involved', () => {
  const cases = [
    [{ type: 'conv2d', kernel_size: 7, dilation: 2 }, [1, 1, 10, 10], /13 pixels.*only 10 tall/],
    [{ type: 'maxpool2d', kernel_size: 5 }, [1, 1, 4, 9], /5-tall pooling window.*only 4 tall/],
    [{ type: 'conv2d', in_channels: 3 }, [1, 2, 8, 8], /expects 3 input channels \(in_channels\), but its input .* has 2/],
    [{ type: 'dense', in_features: 10 }, [1, 12], /expects 10 inputs \(in_features\), but gets 12/],
    [{ type: 'relu' }, [1, 1, -8, 8], /-8/],
  ];
  for (const [spec, shape, message] of cases) {
    assert.throws(() => engine.layerGeometry(spec, shape), (e) => e instanceof EngineError && message.test(e.message), JSON.stringify(spec));
  }
});
