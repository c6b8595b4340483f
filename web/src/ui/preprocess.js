// MNIST preprocessing, as the data set was made: crop to the ink, scale the
// longer side to 20 px (area averaging, so edges turn grey as in MNIST), then
// paste into 28x28 so that the centre of mass sits at the centre. Pure
// functions over flat Float32Arrays of intensities in [0, 1], row-major; no
// DOM, so they are tested under Node.
//
// Coordinates: pixel (x, y) is the square [x, x+1) x [y, y+1); positions such
// as the centre of mass are in pixel-index units (pixel x's centre is at x),
// so the geometric centre of a 28-wide image is 13.5. MNIST itself puts the
// centre of mass at 14 (the mean over its digits is (14.0, 14.0) in these
// units: the shift was round(14 - com)), so that is the default here too.

/** The smallest box holding every value above `threshold`: { x, y, w, h }, or null. */
export function inkBoundingBox(img, w, h, threshold = 0) {
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if (img[row + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

/** The size of a w x h box scaled so that its longer side is `size`: { w, h } (each >= 1). */
export function fitSize(w, h, size = 20) {
  const scale = size / Math.max(w, h);
  return { w: Math.max(1, Math.round(w * scale)), h: Math.max(1, Math.round(h * scale)) };
}

// For n output cells spanning source [start, start + len): each cell's
// source indices and weights (its share of the cell; they sum to 1).
function areaWeights(start, len, n) {
  const step = len / n;
  const cells = [];
  for (let i = 0; i < n; i++) {
    const a = start + i * step, b = a + step;
    const idx = [], wt = [];
    for (let s = Math.floor(a); s < b; s++) {
      const cover = Math.min(b, s + 1) - Math.max(a, s);
      if (cover > 1e-9) { idx.push(s); wt.push(cover / step); }
    }
    cells.push({ idx, wt });
  }
  return cells;
}

/**
 * Resamples the box { x, y, w, h } of a srcW-wide image to dw x dh by area
 * averaging: each output pixel is the mean of the source area it covers.
 */
export function resampleArea(src, srcW, box, dw, dh) {
  const cols = areaWeights(box.x, box.w, dw);
  const rows = areaWeights(box.y, box.h, dh);
  const out = new Float32Array(dw * dh);
  for (let i = 0; i < dh; i++) {
    const r = rows[i];
    for (let j = 0; j < dw; j++) {
      const c = cols[j];
      let sum = 0;
      for (let a = 0; a < r.idx.length; a++) {
        const base = r.idx[a] * srcW;
        let rowSum = 0;
        for (let b = 0; b < c.idx.length; b++) rowSum += c.wt[b] * src[base + c.idx[b]];
        sum += r.wt[a] * rowSum;
      }
      out[i * dw + j] = sum;
    }
  }
  return out;
}

/** The intensity-weighted mean position { x, y } (pixel-index units), or null when all is zero. */
export function centreOfMass(img, w, h) {
  let m = 0, mx = 0, my = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = img[y * w + x];
      m += v; mx += v * x; my += v * y;
    }
  }
  return m > 0 ? { x: mx / m, y: my / m } : null;
}

/** Copies a w x h image into a size x size one at offset (ox, oy), dropping what falls outside. */
export function paste(img, w, h, size, ox, oy) {
  const out = new Float32Array(size * size);
  for (let y = 0; y < h; y++) {
    const ty = y + oy;
    if (ty < 0 || ty >= size) continue;
    for (let x = 0; x < w; x++) {
      const tx = x + ox;
      if (tx >= 0 && tx < size) out[ty * size + tx] = img[y * w + x];
    }
  }
  return out;
}

/**
 * The whole recipe, with every stage kept for display. `ink` is a w x h image.
 * Options: centre (default true) — false skips the recipe and just shrinks
 * the whole pad to size x size, the way a naive demo would; box (20) and
 * size (28); threshold (ink above it counts for the bounding box); centreAt
 * (size / 2: where the centre of mass goes, as in MNIST).
 * Returns { empty, box, fitted: { w, h, data }, com, offset, comAfter, image }.
 */
export function mnistPreprocess(ink, w, h, options = {}) {
  const { centre = true, box: boxSize = 20, size = 28, threshold = 0, centreAt = size / 2 } = options;
  const box = inkBoundingBox(ink, w, h, threshold);
  if (!box) {
    return { empty: true, centred: centre, box: null, fitted: null, com: null, offset: null, comAfter: null, image: new Float32Array(size * size) };
  }
  if (!centre) {
    const image = resampleArea(ink, w, { x: 0, y: 0, w, h }, size, size);
    return { empty: false, centred: false, box, fitted: null, com: null, offset: null, comAfter: centreOfMass(image, size, size), image };
  }
  const fit = fitSize(box.w, box.h, boxSize);
  const data = resampleArea(ink, w, box, fit.w, fit.h);
  const com = centreOfMass(data, fit.w, fit.h) ?? { x: (fit.w - 1) / 2, y: (fit.h - 1) / 2 };
  const offset = { x: Math.round(centreAt - com.x) || 0, y: Math.round(centreAt - com.y) || 0 };  // never -0
  const image = paste(data, fit.w, fit.h, size, offset.x, offset.y);
  return {
    empty: false, centred: true, box, fitted: { w: fit.w, h: fit.h, data }, com, offset,
    comAfter: centreOfMass(image, size, size), image,
  };
}
