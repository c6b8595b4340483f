// Reads a data file of tools/prepare_data.js ("CNNDATA", version 1), e.g. the
// held-out samples in web/models/samples-*.cnnd, into
// { name, classes, count, trainCount, channels, height, width, labels, pixels }
// with labels a Uint8Array and pixels a Uint8Array (count x c*h*w, row-major,
// 0 = background, 255 = ink). image(i) gives sample i as Float32Array
// pixel / 255, the engine's input.

export function readDataset(bytes) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let pos = 0;
  const fail = (what) => {
    throw new Error(`not a valid data file: ${what}`);
  };
  const u32 = () => {
    if (pos + 4 > b.length) fail('it ends inside its header');
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const str = () => {
    const n = u32();
    if (n > 4096 || pos + n > b.length) fail('it ends inside a name');
    const s = new TextDecoder().decode(b.subarray(pos, pos + n));
    pos += n;
    return s;
  };
  if (b.length < 8 || new TextDecoder().decode(b.subarray(0, 8)) !== 'CNNDATA\0') fail('it does not start with CNNDATA');
  pos = 8;
  const version = u32();
  if (version !== 1) fail(`version ${version} is not supported`);
  const [count, trainCount, channels, height, width, classCount] = [u32(), u32(), u32(), u32(), u32(), u32()];
  // as the native reader (tools/dataset.hpp): one sample holds at most 2^24 values
  if (trainCount > count || !channels || !height || !width || channels * height * width > 2 ** 24 || !classCount || classCount > 256) {
    fail(`its header is inconsistent (${count} samples, ${trainCount} for training, ${channels}x${height}x${width}, ${classCount} classes)`);
  }
  const name = str();
  const classes = Array.from({ length: classCount }, str);
  const size = channels * height * width;
  if (b.length - pos !== count * (1 + size)) fail(`it holds ${b.length - pos} bytes of data, ${count * (1 + size)} expected`);
  const labels = b.slice(pos, pos + count);
  const pixels = b.slice(pos + count);
  for (const l of labels) if (l >= classCount) fail(`label ${l} is out of range`);
  return {
    name, classes, count, trainCount, channels, height, width, labels, pixels,
    image(i) {
      if (!(i >= 0 && i < count)) throw new RangeError(`sample ${i} is out of range (0..${count - 1})`);
      return Float32Array.from(pixels.subarray(i * size, (i + 1) * size), (v) => v / 255);
    },
  };
}
