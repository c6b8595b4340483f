// The engine's coded failures: a refusal a page may have to say in its
// reader's language carries a code and its named numbers (EngineError's
// .code and .params), read from cnn_last_error_code()/cnn_last_error_params(),
// while its English message stays as it was. Each case is checked against
// numbers worked out by hand.
// To add a case: a spec, an input shape, the code and the numbers expected.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine, EngineError } from '../../web/src/engine/engine.js';
import { serveEngine } from '../../web/src/engine/worker-protocol.js';
import { EngineClient } from '../../web/src/engine/client.js';

let engine;
before(async () => {
  engine = await loadEngine();
});

const CASES = [
  // 5 rows + 0 + 0 of padding, a 7-tall kernel
  [{ type: 'conv2d', kernel_size: 7 }, [1, 1, 5, 5], 'kernel_too_big',
    { axis: 'height', kernel: 7, padded: 5, size: 5, pad_before: 0, pad_after: 0 },
    'a 7-tall kernel does not fit in the padded input, which is only 5 tall (height 5 + padding 0 + 0)'],
  // wide only: 9 tall is fine, 4 + 2·1 = 6 wide is not
  [{ type: 'conv2d', kernel_size: [3, 7], padding: 1 }, [1, 1, 9, 4], 'kernel_too_big',
    { axis: 'width', kernel: 7, padded: 6, size: 4, pad_before: 1, pad_after: 1 }, null],
  // dilation 3: 3·(3 − 1) + 1 = 7 > 5
  [{ type: 'conv2d', kernel_size: 3, dilation: 3 }, [1, 1, 5, 5], 'dilated_kernel_too_big',
    { axis: 'height', kernel: 3, dilation: 3, span: 7, padded: 5, size: 5, pad_before: 0, pad_after: 0 }, null],
  [{ type: 'conv2d', kernel_size: 3, padding: 'same', stride: 2 }, [1, 1, 5, 5], 'same_needs_stride_1',
    { stride_h: 2, stride_w: 2 }, /^padding 'same' keeps the size only at stride 1/],
  [{ type: 'conv2d', in_channels: 3, out_channels: 4, groups: 2 }, [1, 3, 5, 5], 'groups_do_not_divide',
    { groups: 2, field: 'in_channels', channels: 3 }, 'groups=2 does not divide in_channels=3'],
  [{ type: 'conv2d', in_channels: 3 }, [1, 2, 8, 8], 'channels_do_not_match', { expected: 3, got: 2 }, null],
  [{ type: 'maxpool2d', kernel_size: 5 }, [1, 1, 4, 9], 'pool_window_too_big',
    { axis: 'height', window: 5, padded: 4, size: 4, padding: 0 }, null],
  [{ type: 'maxpool2d', kernel_size: 2, padding: 2 }, [1, 1, 8, 8], 'pool_padding_too_big',
    { axis: 'height', padding: 2, window: 2, max: 1 }, null],
  [{ type: 'dense', in_features: 10 }, [1, 12], 'dense_in_features', { expected: 10, got: 12 },
    'the dense layer expects 10 inputs (in_features), but gets 12'],
  [{ type: 'conv2d', kernel_size: 0 }, [1, 1, 5, 5], 'value_too_small', { field: 'kernel_size', axis: 'height', min: 1, value: 0 },
    'kernel_size (height) must be at least 1, got 0'],
];

test('a refused layer carries its code and named numbers; its English message is unchanged', () => {
  for (const [spec, shape, code, params, message] of CASES) {
    assert.throws(() => engine.layerGeometry(spec, shape), (e) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.code, code, JSON.stringify(spec));
      assert.deepEqual(e.params, params, JSON.stringify(spec));
      if (typeof message === 'string') assert.equal(e.message, message);
      else if (message) assert.match(e.message, message);
      return true;
    });
  }
});

test('a failure without a code has none, and a later success leaves no stale code behind', () => {
  // a negative size: an error without a code
  assert.throws(() => engine.layerGeometry({ type: 'relu' }, [1, 1, -8, 8]), (e) => e.code === '' && Object.keys(e.params).length === 0);
  assert.deepEqual(engine.layerGeometry({ type: 'conv2d', kernel_size: 3 }, [1, 1, 5, 5]).outShape, [1, 1, 3, 3]);
  assert.throws(() => engine.layerGeometry({ type: 'conv2d', kernel_size: 9 }, [1, 1, 5, 5]), (e) => e.code === 'kernel_too_big');
  assert.throws(() => engine.layerGeometry({ type: 'relu' }, [1, 1, -8, 8]), (e) => e.code === '');
});

test('a network names the failing layer in its message, and the code and numbers stay through that context', () => {
  const specs = [{ type: 'conv2d', kernel_size: 5, stride: 4 }, { type: 'maxpool2d', kernel_size: 2 }, { type: 'conv2d', kernel_size: 5 }];
  const net = engine.createNetwork(specs);
  try {
    // (28 − 5)/4 + 1 = 6, pooled: 3, and a 5-tall kernel in 3 rows
    assert.throws(() => net.plan([1, 1, 28, 28]), (e) => {
      assert.match(e.message, /^layer 2 \(conv2d\): a 5-tall kernel does not fit/);
      assert.equal(e.code, 'kernel_too_big');
      assert.deepEqual(e.params, { axis: 'height', kernel: 5, padded: 3, size: 3, pad_before: 0, pad_after: 0 });
      return true;
    });
  } finally {
    net.destroy();
  }
});

test('the code and numbers cross the Worker protocol as they are', async () => {
  // the Worker's side, on a scope of its own
  const posted = [];
  const scope = { postMessage: (m) => posted.push(m) };
  serveEngine(scope, engine);
  await scope.onmessage({ data: { id: 7, op: 'runLayer', payload: { spec: { type: 'conv2d', kernel_size: 7 }, shape: [1, 1, 5, 5],
    input: new Float32Array(25), variant: 'ref' } } });
  assert.equal(posted.length, 1);
  assert.equal(posted[0].error.code, 'kernel_too_big');
  assert.deepEqual(posted[0].error.params, { axis: 'height', kernel: 7, padded: 5, size: 5, pad_before: 0, pad_after: 0 });
  // the page's side turns the message back into an EngineError with them
  const got = await new Promise((resolve) => {
    const client = { pending: new Map([[7, { resolve, reject: resolve }]]) };
    EngineClient.prototype.settle.call(client, structuredClone(posted[0]));
  });
  assert.ok(got instanceof EngineError);
  assert.equal(got.code, 'kernel_too_big');
  assert.equal(got.params.padded, 5);
  assert.match(got.message, /^a 7-tall kernel does not fit/);
});
