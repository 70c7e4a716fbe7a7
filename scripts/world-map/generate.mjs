// Generates crates/http/assets/world.svg: the world's land from Natural Earth
// 1:110m (public domain), as packaged by the npm package world-atlas, in a
// plain equirectangular projection (x = lon + 180, y = 90 - lat), cropped at
// 60°S so Antarctica is left out.
//
//   cd scripts/world-map && npm ci && node generate.mjs
//
// The output is deterministic: running it twice gives the same bytes.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { feature } from 'topojson-client';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const out = join(repo, 'crates', 'http', 'assets', 'world.svg');
const require = createRequire(import.meta.url);

const SOUTH = -60; // latitude of the bottom edge
const WIDTH = 360;
const HEIGHT = 90 - SOUTH; // 150
const SCALE = 10; // coordinates are kept in tenths of a degree: one decimal place
const FILL = '#d5dde5';

const topology = JSON.parse(readFileSync(require.resolve('world-atlas/land-110m.json'), 'utf8'));
const land = feature(topology, topology.objects.land);
const polygons = [];
for (const f of land.features ?? [land]) {
  const g = f.geometry;
  if (g.type === 'Polygon') polygons.push(g.coordinates);
  else if (g.type === 'MultiPolygon') polygons.push(...g.coordinates);
}

const isEdge = (lon) => Math.abs(Math.abs(lon) - 180) < 1e-9;

// Natural Earth cuts land at the antimeridian, but the quantised TopoJSON
// writes some of the cut's points as -180 on a ring that lies east of it (and
// the reverse). Put every ±180 point on the side of its ring's nearest
// non-edge point, so no edge runs across the whole map.
function fixAntimeridian(ring) {
  const n = ring.length;
  const sideOf = (i) => {
    for (let d = 1; d < n; d++) {
      for (const j of [(i - d + n) % n, (i + d) % n]) {
        if (!isEdge(ring[j][0])) return Math.sign(ring[j][0]) || 1;
      }
    }
    return 1;
  };
  return ring.map(([lon, lat], i) => (isEdge(lon) ? [180 * sideOf(i), lat] : [lon, lat]));
}

// Equirectangular, in tenths of a degree (still unrounded).
const project = ([lon, lat]) => [(lon + 180) * SCALE, (90 - lat) * SCALE];

// Sutherland–Hodgman against one half-plane: points[axis] * sign <= limit * sign.
function clip(points, axis, limit, sign = 1) {
  const inside = (p) => p[axis] * sign <= limit * sign;
  const result = [];
  for (let i = 0; i < points.length; i++) {
    const a = points[i];
    const b = points[(i + 1) % points.length];
    if (inside(a)) result.push(a);
    if (inside(a) !== inside(b)) {
      const t = (limit - a[axis]) / (b[axis] - a[axis]);
      const p = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
      p[axis] = limit;
      result.push(p);
    }
  }
  return result;
}

const crosses = (ring) => ring.some((p, i) => Math.abs(p[0] - ring[(i + 1) % ring.length][0]) > 180);

// A ring that really straddles the antimeridian (Fiji's Vanua Levu at this
// scale): make its longitudes continuous, then draw it twice, once cut at the
// right edge and once shifted by 360° and cut at the left edge.
function pieces(ring) {
  ring = fixAntimeridian(ring);
  if (!crosses(ring)) return [ring.map(project)];
  const unwrapped = [ring[0]];
  for (let i = 1; i < ring.length; i++) {
    let [lon, lat] = ring[i];
    const prev = unwrapped[i - 1][0];
    while (lon - prev > 180) lon -= 360;
    while (prev - lon > 180) lon += 360;
    unwrapped.push([lon, lat]);
  }
  const projected = unwrapped.map(project);
  const shifted = (dx) => projected.map(([x, y]) => [x + dx, y]);
  const full = WIDTH * SCALE;
  return [
    clip(clip(projected, 0, full, 1), 0, 0, -1),
    clip(clip(shifted(full), 0, full, 1), 0, 0, -1),
    clip(clip(shifted(-full), 0, full, 1), 0, 0, -1),
  ].filter((p) => p.length >= 3);
}

// Rounded to integer tenths, consecutive duplicates and collinear middle
// points dropped; null when nothing with an area is left.
function simplify(points) {
  const pts = [];
  for (const [x, y] of points) {
    const p = [Math.round(x), Math.round(y)];
    const last = pts[pts.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) pts.push(p);
  }
  while (pts.length > 1 && pts[0][0] === pts[pts.length - 1][0] && pts[0][1] === pts[pts.length - 1][1]) pts.pop();
  let changed = true;
  while (changed && pts.length >= 3) {
    changed = false;
    for (let i = 0; i < pts.length && pts.length >= 3; i++) {
      const a = pts[(i + pts.length - 1) % pts.length];
      const b = pts[i];
      const c = pts[(i + 1) % pts.length];
      const cross = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]);
      const same = b[0] === c[0] && b[1] === c[1];
      if (cross === 0 || same) {
        pts.splice(i, 1);
        changed = true;
        i--;
      }
    }
  }
  if (pts.length < 3) return null;
  let area = 0;
  for (let i = 0; i < pts.length; i++) {
    const [x1, y1] = pts[i];
    const [x2, y2] = pts[(i + 1) % pts.length];
    area += x1 * y2 - x2 * y1;
  }
  return area === 0 ? null : pts;
}

// A number of tenths as SVG text: 15 -> "1.5", 5 -> ".5", -5 -> "-.5", 20 -> "2".
function num(tenths) {
  const sign = tenths < 0 ? '-' : '';
  const a = Math.abs(tenths);
  const whole = Math.floor(a / SCALE);
  const frac = a % SCALE;
  if (frac === 0) return sign + whole;
  return sign + (whole === 0 ? '' : whole) + '.' + frac;
}

// Joins numbers with the fewest separators the SVG path grammar allows.
function join2(parts) {
  let s = '';
  for (const p of parts) {
    if (s === '' || /[a-zA-Z]$/.test(s) || p.startsWith('-')) s += p;
    else if (p.startsWith('.') && /\.\d*$/.test(s)) s += p;
    else s += ' ' + p;
  }
  return s;
}

let d = '';
let subpathStart = null; // the current point after the previous "z"
let kept = 0;
let dropped = 0;
let crossings = 0;
// One closed subpath in relative commands (h/v where an edge is straight).
function subpath(pts) {
  const [x0, y0] = pts[0];
  const abs = 'M' + join2([num(x0), num(y0)]);
  const rel = subpathStart ? 'm' + join2([num(x0 - subpathStart[0]), num(y0 - subpathStart[1])]) : null;
  let s = rel && rel.length < abs.length ? rel : abs;
  let cmd = null;
  let args = [];
  const flush = () => {
    if (cmd) s += join2([cmd, ...args]);
    args = [];
  };
  for (let i = 1; i < pts.length; i++) {
    const dx = pts[i][0] - pts[i - 1][0];
    const dy = pts[i][1] - pts[i - 1][1];
    const next = dy === 0 ? 'h' : dx === 0 ? 'v' : 'l';
    if (next !== cmd) {
      flush();
      cmd = next;
    }
    if (next === 'h') args.push(num(dx));
    else if (next === 'v') args.push(num(dy));
    else args.push(num(dx), num(dy));
  }
  flush();
  subpathStart = [x0, y0]; // "z" returns the current point to the start
  return s + 'z';
}

for (const polygon of polygons) {
  for (const ring of polygon) {
    // GeoJSON repeats a ring's first point at its end.
    for (const piece of pieces(ring.slice(0, -1))) {
      const clipped = clip(piece, 1, HEIGHT * SCALE);
      for (let i = 0; i < clipped.length; i++) {
        if (Math.abs(clipped[i][0] - clipped[(i + 1) % clipped.length][0]) > (WIDTH / 2) * SCALE) crossings++;
      }
      const pts = clipped.length >= 3 ? simplify(clipped) : null;
      if (pts) {
        kept++;
        d += subpath(pts);
      } else {
        dropped++;
      }
    }
  }
}
if (crossings) throw new Error(`${crossings} edges still cross the antimeridian`);

const svg =
  `<!-- generated by scripts/world-map/generate.mjs from Natural Earth 1:110m land (public domain) via world-atlas -->\n` +
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" aria-hidden="true" focusable="false">` +
  `<path fill="${FILL}" fill-rule="evenodd" d="${d}"/></svg>\n`;

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, svg);
console.log(`${relative(repo, out)}: ${svg.length} bytes (${(svg.length / 1024).toFixed(1)} KB), ${kept} rings, ${dropped} dropped`);
