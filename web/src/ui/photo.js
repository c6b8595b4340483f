// Reading a photo of a digit: from an image file to the square ink raster that
// the MNIST recipe (preprocess.js) takes, with every stage kept for display.
//
//   file -> (the browser decodes it; checked: bytes, pixels, sides)
//        -> colour pixels, longer side WORK_SIDE
//   1. greyscale
//   2. ink or paper: a local background (a coarse grid of medians) is taken
//      away, and the side whose deviations from it carry more weight is the
//      ink (the minority tone). Dark ink on light paper, the usual photo, is
//      turned over, so ink is bright as in MNIST.
//   3. even out the lighting: a background estimate from the paper's side of
//      each grid cell, smoothed and interpolated, is subtracted; the rest is
//      the ink's contrast over its own paper, whatever the light falling on it
//   4. threshold (Otsu's, never below the paper's noise) and the ink's parts
//      (8-connected): the largest part that does not touch the edge (edges
//      hold shadows and the table) with the parts near it; specks dropped
//   5. no digit? decided from those numbers before any network sees it
//      (see NO_DIGIT): nothing left, too faint, too small, ink all over or
//      many marks (a texture), a blob with no strokes
//   6. strokes too thin for MNIST (a ballpoint pen seen from afar) are
//      thickened to MNIST's pen: its strokes are about a tenth of the digit
//   -> a square ink raster of intensities in [0, 1] holding only the kept
//      parts, for mnistPreprocess (crop, 20 px, centre of mass).
//
// Everything below readPhotoFile is pure: flat arrays in, flat arrays out,
// no DOM, so it is tested under Node.

/** The longer side of the working image, in pixels: photos are scaled down to it. */
export const WORK_SIDE = 320;

/** What a file may be: its bytes, its pixels, its sides. */
export const PHOTO_LIMITS = Object.freeze({
  maxBytes: 25 * 1024 * 1024,
  maxPixels: 64e6,          // 8000 x 8000; a phone's default photo is about 12e6
  maxSide: 16384,           // the largest canvas side browsers draw
  minSide: 28,              // an MNIST image; anything smaller holds no readable digit
});

/**
 * The rules for "no digit", on the working image. Each is a property a
 * handwritten digit has in a photo and paper, a texture or a gradient lacks.
 */
export const NO_DIGIT = Object.freeze({
  minContrast: 0.08,        // the ink's median contrast over its paper (0..1 of the grey scale)
  minSignal: 6,             // ... and in units of the paper's noise
  minSpan: 0.1,             // the digit's longer side, as a fraction of the photo's shorter side
  maxInkAll: 0.22,          // the threshold's ink over the whole photo: more, mostly not the digit's, is a texture
  maxParts: 5,              // sizeable parts of ink away from the edge: more is a texture
  manyMarks: 20,            // marks (parts larger than a speck) that make a picture without a digit a texture
  maxFill: 0.72,            // the kept ink over its box, for a box that is not thin: more is a blob
});

/**
 * The stroke width MNIST's digits have, as a fraction of the digit's longer
 * side (2 * area / boundary pixels, over the held-out digits: median 0.14,
 * 5th percentile 0.10), and below which a photo's strokes are thickened.
 */
export const STROKE = Object.freeze({ target: 0.1, thinnerThan: 0.07 });

/** Why a file is refused: { key (i18n, 'photo.bad.*'), params }, or null when it may be decoded. */
export function fileProblem(file, limits = PHOTO_LIMITS) {
  const name = String(file?.name ?? '');
  if (!file || typeof file.size !== 'number') return { key: 'photo.bad.notFile', params: { name } };
  if (file.size === 0) return { key: 'photo.bad.emptyFile', params: { name } };
  if (file.size > limits.maxBytes) {
    return { key: 'photo.bad.bytes', params: { name, mb: megabytes(file.size), max: megabytes(limits.maxBytes) } };
  }
  const type = String(file.type ?? '');
  if (type && !type.startsWith('image/')) return { key: 'photo.bad.type', params: { name, type } };
  return null;
}

/** Why decoded pixel sides are refused ({ key, params }), or null. */
export function sizeProblem(name, w, h, limits = PHOTO_LIMITS) {
  if (!(w > 0 && h > 0)) return { key: 'photo.bad.decode', params: { name } };
  if (w > limits.maxSide || h > limits.maxSide || w * h > limits.maxPixels) {
    return { key: 'photo.bad.huge', params: { name, w, h, max: limits.maxSide, mp: Math.round(limits.maxPixels / 1e6) } };
  }
  if (w < limits.minSide || h < limits.minSide) return { key: 'photo.bad.tiny', params: { name, w, h, min: limits.minSide } };
  return null;
}

/** An Error carrying { key, params } for the page to say in the reader's language. */
export class PhotoError extends Error {
  constructor(problem) {
    super(`${problem.key} ${JSON.stringify(problem.params)}`);
    this.name = 'PhotoError';
    this.key = problem.key;
    this.params = problem.params;
  }
}

/**
 * Puts RGBA pixels on white paper, in place (a drawing saved with a
 * transparent background has its ink on nothing): returns how many pixels
 * were not opaque.
 */
export function onWhite(rgba) {
  let seeThrough = 0;
  for (let i = 3; i < rgba.length; i += 4) {
    const a = rgba[i];
    if (a === 255) continue;
    seeThrough++;
    const keep = a / 255;
    for (let c = i - 3; c < i; c++) rgba[c] = Math.round(rgba[c] * keep + 255 * (1 - keep));
    rgba[i] = 255;
  }
  return seeThrough;
}

/** Whether bytes start as a JPEG file does (FF D8 FF). */
export function isJpeg(head) {
  return head.length >= 3 && head[0] === 0xFF && head[1] === 0xD8 && head[2] === 0xFF;
}

/**
 * Decodes an image file with the browser (an <img>, so a phone photo's EXIF
 * orientation is applied) and scales it to WORK_SIDE: { rgba, w, h,
 * original: { w, h } }. Refuses with a PhotoError what fileProblem and
 * sizeProblem refuse, and what the browser cannot decode (not an image, a
 * damaged file). A JPEG cut short decodes in part, the rest left transparent:
 * a JPEG has no transparency, so one with see-through pixels is refused too.
 */
export async function readPhotoFile(file, limits = PHOTO_LIMITS, doc = globalThis.document) {
  const problem = fileProblem(file, limits);
  if (problem) throw new PhotoError(problem);
  const name = file.name;
  const url = URL.createObjectURL(file);
  try {
    const img = doc.createElement('img');
    const loaded = new Promise((resolve, reject) => {
      img.onload = resolve;
      img.onerror = () => reject(new PhotoError({ key: 'photo.bad.decode', params: { name } }));
    });
    img.src = url;
    await loaded;  // the sides are known before the pixels are decoded
    const w0 = img.naturalWidth, h0 = img.naturalHeight;
    const bad = sizeProblem(name, w0, h0, limits);
    if (bad) throw new PhotoError(bad);
    try {
      await img.decode();
    } catch {
      throw new PhotoError({ key: 'photo.bad.decode', params: { name } });
    }
    const scale = Math.min(1, WORK_SIDE / Math.max(w0, h0));
    const w = Math.max(1, Math.round(w0 * scale)), h = Math.max(1, Math.round(h0 * scale));
    const canvas = doc.createElement('canvas');
    canvas.width = w; canvas.height = h;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(img, 0, 0, w, h);
    const rgba = ctx.getImageData(0, 0, w, h).data;
    const seeThrough = onWhite(rgba);
    if (seeThrough && isJpeg(new Uint8Array(await file.slice(0, 3).arrayBuffer()))) {
      throw new PhotoError({ key: 'photo.bad.cut', params: { name, percent: Math.max(1, Math.round((100 * seeThrough) / (w * h))) } });
    }
    return { rgba, w, h, original: { w: w0, h: h0 } };
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Luminance (Rec. 601) of RGBA bytes, in [0, 1]. */
export function greyscale(rgba, w, h) {
  const out = new Float32Array(w * h);
  for (let i = 0; i < out.length; i++) out[i] = (0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]) / 255;
  return out;
}

/**
 * The q-quantile (0..1) of values (NaN-free). Up to 256 values it is exact
 * (sorted); above, it is read from a histogram of 4096 bins over the values'
 * range, interpolated within its bin: within 1/4096 of the range, and no sort.
 */
export function quantile(values, q) {
  const n = values.length;
  if (!n) return 0;
  const rank = Math.min(n - 1, Math.max(0, Math.round(q * (n - 1))));
  if (n <= 256) return Float32Array.from(values).sort()[rank];
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi === lo) return lo;
  const bins = new Uint32Array(HISTOGRAM_BINS);
  const scale = HISTOGRAM_BINS / (hi - lo);
  for (let i = 0; i < n; i++) bins[Math.min(HISTOGRAM_BINS - 1, Math.floor((values[i] - lo) * scale))]++;
  let seen = 0;
  for (let b = 0; b < HISTOGRAM_BINS; b++) {
    if (seen + bins[b] > rank) return lo + (b + (rank - seen + 0.5) / bins[b]) / scale;
    seen += bins[b];
  }
  return hi;
}
const HISTOGRAM_BINS = 4096;

/**
 * A smooth background: the image cut into a grid of square cells (about a
 * sixth of the longer side), each cell's q-quantile, a 3x3 median over the
 * grid (so one cell full of ink does not make a hole), interpolated
 * bilinearly between cell centres.
 */
export function background(img, w, h, q, cellsAcross = 6) {
  const cell = Math.max(4, Math.ceil(Math.max(w, h) / cellsAcross));
  const gw = Math.ceil(w / cell), gh = Math.ceil(h / cell);
  const grid = new Float32Array(gw * gh);
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      const x0 = gx * cell, x1 = Math.min(w, x0 + cell), y0 = gy * cell, y1 = Math.min(h, y0 + cell);
      const vals = new Float32Array((x1 - x0) * (y1 - y0));
      for (let y = y0, k = 0; y < y1; y++, k += x1 - x0) vals.set(img.subarray(y * w + x0, y * w + x1), k);
      grid[gy * gw + gx] = quantile(vals, q);
    }
  }
  const smooth = new Float32Array(gw * gh);
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      const n = [];
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const yy = gy + dy, xx = gx + dx;
          if (yy >= 0 && yy < gh && xx >= 0 && xx < gw) n.push(grid[yy * gw + xx]);
        }
      }
      smooth[gy * gw + gx] = quantile(n, 0.5);
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const fy = Math.min(gh - 1, Math.max(0, (y + 0.5) / cell - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(gh - 1, y0 + 1), ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(gw - 1, Math.max(0, (x + 0.5) / cell - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(gw - 1, x0 + 1), tx = fx - x0;
      const top = smooth[y0 * gw + x0] * (1 - tx) + smooth[y0 * gw + x1] * tx;
      const bottom = smooth[y1 * gw + x0] * (1 - tx) + smooth[y1 * gw + x1] * tx;
      out[y * w + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

/** The spread of values around their median (median absolute deviation, scaled to a Gaussian's sigma). */
export function noiseSigma(values) {
  const step = Math.max(1, Math.floor(values.length / 20000));
  const sample = new Float32Array(Math.ceil(values.length / step));
  for (let i = 0, k = 0; i < values.length; i += step, k++) sample[k] = values[i];
  const m = quantile(sample, 0.5);
  return 1.4826 * quantile(sample.map((v) => Math.abs(v - m)), 0.5);
}

/**
 * Which tone is the ink: { darkInk, dark, light, paper } where dark and light
 * are the weights of the deviations below and above the local background
 * (beyond the noise), per pixel. Ink is the side that weighs more; when
 * neither stands out (a blank page), the lighter tone is taken for paper.
 */
export function inkPolarity(grey, w, h) {
  const bg = background(grey, w, h, 0.5);
  const diff = new Float32Array(w * h);
  for (let i = 0; i < diff.length; i++) diff[i] = grey[i] - bg[i];
  const margin = Math.max(0.03, 4 * noiseSigma(diff));
  let dark = 0, light = 0;
  for (let i = 0; i < diff.length; i++) {
    const d = diff[i];
    if (d < -margin) dark += -d - margin;
    else if (d > margin) light += d - margin;
  }
  dark /= diff.length; light /= diff.length;
  const paper = quantile(grey, 0.5);
  const darkInk = dark > light * 1.05 || (dark * 1.05 >= light && light * 1.05 >= dark && paper >= 0.5);
  return { darkInk, dark, light, paper };
}

/** Otsu's threshold of values in [0, 1] (256 bins): the cut that best separates two classes. */
export function otsu(values) {
  const bins = new Float64Array(256);
  for (const v of values) bins[Math.min(255, Math.max(0, Math.floor(v * 256)))]++;
  const total = values.length;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * bins[i];
  let wB = 0, sumB = 0, best = 0, cut = 0;
  for (let i = 0; i < 256; i++) {
    wB += bins[i];
    if (!wB) continue;
    const wF = total - wB;
    if (!wF) break;
    sumB += i * bins[i];
    const between = wB * wF * (sumB / wB - (sumAll - sumB) / wF) ** 2;
    if (between > best) { best = between; cut = i; }
  }
  return (cut + 1) / 256;
}

/**
 * The 8-connected parts of a mask: { labels (Int32Array, 0 = none, k = part
 * k), parts: [{ id, area, x0, y0, x1, y1, sum, edge }] } with sum the total of
 * `weight` over the part and edge whether it touches the image's border.
 */
export function components(mask, w, h, weight = null) {
  const labels = new Int32Array(w * h);
  const parts = [];
  const stack = new Int32Array(w * h);
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    const id = parts.length + 1;
    const p = { id, area: 0, x0: w, y0: h, x1: -1, y1: -1, sum: 0, edge: false };
    let top = 0;
    stack[top++] = start;
    labels[start] = id;
    while (top) {
      const i = stack[--top];
      const x = i % w, y = (i - x) / w;
      p.area++;
      p.sum += weight ? weight[i] : 1;
      if (x < p.x0) p.x0 = x;
      if (x > p.x1) p.x1 = x;
      if (y < p.y0) p.y0 = y;
      if (y > p.y1) p.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          const j = yy * w + xx;
          if (mask[j] && !labels[j]) { labels[j] = id; stack[top++] = j; }
        }
      }
    }
    p.edge = p.x0 === 0 || p.y0 === 0 || p.x1 === w - 1 || p.y1 === h - 1;
    parts.push(p);
  }
  return { labels, parts };
}

/** Parts smaller than this (in pixels of a w x h picture) are specks. */
export function speckArea(w, h) {
  return Math.max(6, Math.round(w * h * 0.0003));
}

const boxOf = (p) => ({ x: p.x0, y: p.y0, w: p.x1 - p.x0 + 1, h: p.y1 - p.y0 + 1 });

/**
 * The digit's parts: the largest part away from the edge, then every part
 * away from the edge, not a speck, that comes within `near` of the box so
 * far (a 5's flag, a stroke the threshold broke). Returns { kept: Set of ids,
 * box, main } or null when no part qualifies.
 */
export function pickDigit(parts, w, h) {
  const speck = speckArea(w, h);
  const inner = parts.filter((p) => !p.edge && p.area >= speck).sort((a, b) => b.area - a.area);
  if (!inner.length) return null;
  const main = inner[0];
  const kept = new Set([main.id]);
  let box = { x0: main.x0, y0: main.y0, x1: main.x1, y1: main.y1 };
  for (let grown = true; grown;) {
    grown = false;
    const near = 0.25 * Math.max(box.x1 - box.x0 + 1, box.y1 - box.y0 + 1);
    for (const p of inner) {
      if (kept.has(p.id) || p.area < Math.max(speck, 0.03 * main.area)) continue;
      const apart = Math.max(box.x0 - p.x1, p.x0 - box.x1, box.y0 - p.y1, p.y0 - box.y1, 0);
      if (apart <= near) {
        kept.add(p.id);
        box = { x0: Math.min(box.x0, p.x0), y0: Math.min(box.y0, p.y0), x1: Math.max(box.x1, p.x1), y1: Math.max(box.y1, p.y1) };
        grown = true;
      }
    }
  }
  return { kept, box: boxOf(box), main, speck, inner };
}

/** The width of a mask's strokes: 2 * area / boundary pixels (those with a 4-neighbour outside it). */
export function strokeWidth(inside, w, h) {
  let area = 0, boundary = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!inside(y * w + x)) continue;
      area++;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1 || !inside(y * w + x - 1) || !inside(y * w + x + 1)
        || !inside((y - 1) * w + x) || !inside((y + 1) * w + x)) boundary++;
    }
  }
  return boundary ? (2 * area) / boundary : 0;
}

/** Distance (chamfer 3-4, in pixels) from every pixel to the nearest one inside the mask. */
export function distanceTo(inside, w, h) {
  const d = new Float32Array(w * h);
  const far = 1e9;
  for (let i = 0; i < d.length; i++) d[i] = inside(i) ? 0 : far;
  const relax = (i, j, c) => { if (d[j] + c < d[i]) d[i] = d[j] + c; };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (x > 0) relax(i, i - 1, 3);
      if (y > 0) {
        relax(i, i - w, 3);
        if (x > 0) relax(i, i - w - 1, 4);
        if (x < w - 1) relax(i, i - w + 1, 4);
      }
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      if (x < w - 1) relax(i, i + 1, 3);
      if (y < h - 1) {
        relax(i, i + w, 3);
        if (x < w - 1) relax(i, i + w + 1, 4);
        if (x > 0) relax(i, i + w - 1, 4);
      }
    }
  }
  for (let i = 0; i < d.length; i++) d[i] /= 3;
  return d;
}

/**
 * The whole reading of a photo, every stage kept: rgba (w x h RGBA bytes) ->
 * { w, h, grey, polarity, turned (ink bright), levelled, threshold, mask,
 * labels, parts, kept (Set), box, stats, stroke, found, reason, ink, inkSize }.
 * stroke: { width, digit (its longer side), thickenedTo (or null) }, in pixels.
 * `ink` is an inkSize x inkSize raster (the photo centred in a square) of the
 * kept ink only, for mnistPreprocess; when found is false it is all zero and
 * reason says why ('none', 'faint', 'small', 'texture', 'marks', 'parts', 'blob').
 */
export function readPhoto(rgba, w, h, rules = NO_DIGIT) {
  const grey = greyscale(rgba, w, h);
  const polarity = inkPolarity(grey, w, h);
  const turned = new Float32Array(w * h);
  for (let i = 0; i < turned.length; i++) turned[i] = polarity.darkInk ? 1 - grey[i] : grey[i];
  // the paper's side of each cell: robust to ink covering up to 70% of it
  const bg = background(turned, w, h, 0.3);
  const levelled = new Float32Array(w * h);
  const residual = new Float32Array(w * h);
  for (let i = 0; i < levelled.length; i++) {
    residual[i] = turned[i] - bg[i];
    levelled[i] = Math.max(0, residual[i]);
  }
  const sigma = noiseSigma(residual);
  const floor = quantile(residual, 0.5) + 5 * sigma;
  const top = Math.max(1e-3, quantile(levelled, 0.999));
  const scaled = levelled.map((v) => Math.min(1, v / top));
  const threshold = Math.max(otsu(scaled) * top, floor, 0.02);
  const mask = new Uint8Array(w * h);
  let inkAll = 0;
  for (let i = 0; i < mask.length; i++) if (levelled[i] > threshold) { mask[i] = 1; inkAll++; }
  const { labels, parts } = components(mask, w, h, levelled);
  const pick = pickDigit(parts, w, h);
  const kept = pick?.kept ?? new Set();
  const speck = speckArea(w, h);
  const marks = parts.filter((p) => !p.edge && p.area >= speck).length;
  const stats = { inkAll: inkAll / (w * h), threshold, sigma, top, parts: parts.length, marks };
  const inkSize = Math.max(w, h);
  const result = {
    w, h, grey, polarity, turned, levelled: scaled, threshold: threshold / top, mask, labels, parts, kept,
    box: pick?.box ?? null, stats, stroke: null, found: false, reason: null, ink: new Float32Array(inkSize * inkSize), inkSize,
    offset: { x: Math.floor((inkSize - w) / 2), y: Math.floor((inkSize - h) / 2) },
  };
  if (!pick) return { ...result, reason: stats.inkAll > rules.maxInkAll ? 'texture' : marks > rules.manyMarks ? 'marks' : 'none' };
  // the ink's contrast: the median level over the kept parts
  const keptId = new Uint8Array(parts.length + 1);
  for (const id of kept) keptId[id] = 1;
  const keptMask = new Uint8Array(w * h);
  let keptArea = 0;
  for (let i = 0; i < labels.length; i++) if ((keptMask[i] = keptId[labels[i]])) keptArea++;
  const keptLevels = new Float32Array(keptArea);
  for (let i = 0, k = 0; i < labels.length; i++) if (keptMask[i]) keptLevels[k++] = levelled[i];
  const contrast = quantile(keptLevels, 0.5);
  const { box } = pick;
  const sizeable = pick.inner.filter((p) => p.area >= 0.25 * pick.main.area).length;
  Object.assign(stats, {
    contrast, signal: contrast / Math.max(sigma, 1e-4), span: Math.max(box.w, box.h) / Math.min(w, h),
    fill: keptArea / (box.w * box.h), thin: Math.min(box.w, box.h) / Math.max(box.w, box.h), sizeable,
  });
  // ink all over, most of it not the digit's
  const reason = stats.inkAll > rules.maxInkAll && keptArea < 0.5 * inkAll ? 'texture'
    : contrast < rules.minContrast || stats.signal < rules.minSignal ? 'faint'
      : stats.span < rules.minSpan ? 'small'
        : sizeable > rules.maxParts ? 'parts'
          : stats.fill > rules.maxFill && stats.thin > 0.5 ? 'blob'
            : null;
  // a picture without a digit but with many small marks: a texture rather than a digit too small
  if (reason) return { ...result, reason: (reason === 'small' || reason === 'faint') && marks > rules.manyMarks ? 'marks' : reason };
  // the ink raster: soft edges kept (from half the threshold up to the ink's
  // contrast), only within a pixel of the kept parts
  const lo = 0.5 * threshold, span = Math.max(1e-4, contrast - lo);
  const { ink, offset } = result;
  const inKept = (i) => keptMask[i] === 1;
  const digit = Math.max(box.w, box.h);
  const width = strokeWidth(inKept, w, h);
  const stroke = { width, digit, thickenedTo: null };
  if (width < STROKE.thinnerThan * digit) {
    // grow the strokes on both sides to MNIST's width, with a one-pixel soft edge
    const grow = (STROKE.target * digit - width) / 2;
    const dist = distanceTo(inKept, w, h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = Math.min(1, Math.max(0, grow + 0.5 - dist[y * w + x]));
        if (v > 0) ink[(y + offset.y) * inkSize + x + offset.x] = v;
      }
    }
    stroke.thickenedTo = STROKE.target * digit;
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let near = false;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1) && !near; yy++) {
        for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) if (keptMask[yy * w + xx]) { near = true; break; }
      }
      const at = (y + offset.y) * inkSize + x + offset.x;
      if (near) ink[at] = Math.max(ink[at], Math.min(1, Math.max(0, (levelled[y * w + x] - lo) / span)));
    }
  }
  return { ...result, stroke, found: true };
}

function megabytes(bytes) {
  return Math.round((bytes / (1024 * 1024)) * 10) / 10;
}
