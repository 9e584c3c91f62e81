#!/usr/bin/env node
/**
 * Draws Tessera's icon, a 4x4 mosaic of tiles in the window's layer palette, from one layout:
 * src-renderer/public/favicon.svg (the page's favicon, served by the web host) and
 * resources/icon.png (256 px, the Electron window's icon; Electron takes no SVG). Both are
 * committed; run this again after changing the layout: `node scripts/make-icon.mjs`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BACKGROUND = '#1f2a3a';
// Which tiles are lit, and in which colour (the palette's first four); '.' is a dark tile.
const LAYOUT = ['abca', 'b.ab', 'ca.c', 'abcd'];
const COLOURS = { a: '#4e79a7', b: '#f28e2b', c: '#59a14f', d: '#edc948', '.': '#2e3d52' };
const N = 4, SIZE = 256, MARGIN = 20, GAP = 10;
const TILE = (SIZE - 2 * MARGIN - (N - 1) * GAP) / N;
const at = (k) => MARGIN + k * (TILE + GAP);

function svg() {
  const tiles = LAYOUT.flatMap((row, y) => [...row].map((ch, x) => `<rect x="${at(x)}" y="${at(y)}" width="${TILE}" height="${TILE}" rx="8" fill="${COLOURS[ch]}"/>`));
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${SIZE} ${SIZE}"><rect width="${SIZE}" height="${SIZE}" rx="40" fill="${BACKGROUND}"/>${tiles.join('')}</svg>\n`;
}

const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/** Inside a rounded square of side `s` and corner radius `r`, at offset (u, v) within it. */
function inRounded(u, v, s, r) {
  const cx = Math.min(Math.max(u, r), s - r), cy = Math.min(Math.max(v, r), s - r);
  return (u - cx) ** 2 + (v - cy) ** 2 <= r * r;
}

function png() {
  const raw = Buffer.alloc(SIZE * (1 + 4 * SIZE));
  for (let y = 0; y < SIZE; y++) {
    raw[y * (1 + 4 * SIZE)] = 0; // filter: none
    for (let x = 0; x < SIZE; x++) {
      let colour = inRounded(x + 0.5, y + 0.5, SIZE, 40) ? BACKGROUND : null;
      for (let ty = 0; ty < N && colour; ty++) {
        for (let tx = 0; tx < N; tx++) {
          const u = x + 0.5 - at(tx), v = y + 0.5 - at(ty);
          if (u >= 0 && v >= 0 && u < TILE && v < TILE && inRounded(u, v, TILE, 8)) colour = COLOURS[LAYOUT[ty][tx]];
        }
      }
      const o = y * (1 + 4 * SIZE) + 1 + 4 * x;
      if (colour) { const [r, g, b] = rgb(colour); raw[o] = r; raw[o + 1] = g; raw[o + 2] = b; raw[o + 3] = 255; }
    }
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4); sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0); ihdr.writeUInt32BE(SIZE, 4);
  ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

mkdirSync(`${ROOT}src-renderer/public`, { recursive: true });
mkdirSync(`${ROOT}resources`, { recursive: true });
writeFileSync(`${ROOT}src-renderer/public/favicon.svg`, svg());
writeFileSync(`${ROOT}resources/icon.png`, png());
