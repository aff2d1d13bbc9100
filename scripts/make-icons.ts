// Draws the tray and app icons (committed under assets/): a rounded badge with an envelope, one
// colour per state; monochrome "Template" variants for the macOS menu bar; .ico for Windows (PNG
// inside an ICO container, as Windows Vista and later read it). Run: npx tsx scripts/make-icons.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

type Rgba = [number, number, number, number];

const STATES: Record<string, Rgba> = {
  ok: [46, 160, 67, 255],
  error: [207, 34, 46, 255],
  'needs-password': [191, 135, 0, 255],
  paused: [110, 119, 129, 255],
};

function crc32(data: Buffer): number {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y += 1) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x += 1) Buffer.from(pixel(x, y)).copy(row, 1 + x * 4);
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

function ico(images: Array<{ size: number; data: Buffer }>): Buffer {
  const header = Buffer.alloc(6 + images.length * 16);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach((image, index) => {
    const entry = 6 + index * 16;
    header[entry] = image.size >= 256 ? 0 : image.size;
    header[entry + 1] = image.size >= 256 ? 0 : image.size;
    header.writeUInt16LE(1, entry + 4);
    header.writeUInt16LE(32, entry + 6);
    header.writeUInt32LE(image.data.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += image.data.length;
  });
  return Buffer.concat([header, ...images.map((image) => image.data)]);
}

/** In the monochrome menu bar the state is told by a mark in the corner instead of a colour. */
function stateMark(state: string, u: number, v: number): boolean {
  const dx = u - 0.82;
  const dy = v - 0.8;
  const r2 = dx * dx + dy * dy;
  switch (state) {
    case 'error': return r2 <= 0.018; // a filled dot
    case 'needs-password': return r2 <= 0.024 && r2 >= 0.008; // a ring
    case 'paused': return (Math.abs(dx + 0.05) < 0.025 || Math.abs(dx - 0.05) < 0.025) && Math.abs(dy) < 0.12; // two bars
    default: return false;
  }
}

/** A disc of `colour` with a white envelope and the state's mark (dot, ring, bars) in dark ink, so
 * the states differ by shape as well as colour; `template` draws the outline and mark in black only. */
function badge(size: number, colour: Rgba, template: boolean, state = 'ok'): (x: number, y: number) => Rgba {
  return (x, y) => {
    const u = (x + 0.5) / size;
    const v = (y + 0.5) / size;
    const inDisc = (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.25;
    const inEnvelope = u > 0.2 && u < 0.8 && v > 0.3 && v < 0.7;
    const stroke = 1.5 / size;
    const onFlap = inEnvelope && Math.abs((v - 0.3) - Math.abs(u - 0.5) * (0.22 / 0.3)) < stroke * 1.4 && v < 0.53;
    const onEdge = inEnvelope && (u < 0.2 + stroke * 1.5 || u > 0.8 - stroke * 1.5 || v < 0.3 + stroke * 1.5 || v > 0.7 - stroke * 1.5);
    if (template) return (inEnvelope && (onFlap || onEdge)) || stateMark(state, u, v) ? [0, 0, 0, 255] : [0, 0, 0, 0];
    if (!inDisc) return [0, 0, 0, 0];
    if (stateMark(state, u, v)) return [32, 35, 40, 255];
    if (inEnvelope) return onFlap ? colour : [255, 255, 255, 255];
    return colour;
  };
}

/** 3×5 pixel glyphs for the unread count on Windows' taskbar overlay. */
const GLYPHS: Record<string, string[]> = {
  '0': ['###', '#.#', '#.#', '#.#', '###'], '1': ['.#.', '##.', '.#.', '.#.', '###'], '2': ['###', '..#', '###', '#..', '###'],
  '3': ['###', '..#', '###', '..#', '###'], '4': ['#.#', '#.#', '###', '..#', '..#'], '5': ['###', '#..', '###', '..#', '###'],
  '6': ['###', '#..', '###', '#.#', '###'], '7': ['###', '..#', '.#.', '.#.', '.#.'], '8': ['###', '#.#', '###', '#.#', '###'],
  '9': ['###', '#.#', '###', '..#', '###'], '+': ['...', '.#.', '###', '.#.', '...'],
};

/** A red rounded square with the count in white (Windows draws it over the taskbar button's corner). */
function countBadge(size: number, text: string): (x: number, y: number) => Rgba {
  const scale = Math.max(1, Math.floor((size * (text.length === 1 ? 0.65 : 0.5)) / 5));
  const width = (text.length * 4 - 1) * scale;
  const left = Math.floor((size - width) / 2);
  const top = Math.floor((size - 5 * scale) / 2);
  return (x, y) => {
    const u = (x + 0.5) / size;
    const v = (y + 0.5) / size;
    const corner = 0.25;
    const cu = Math.min(Math.max(u, corner), 1 - corner);
    const cv = Math.min(Math.max(v, corner), 1 - corner);
    if ((u - cu) ** 2 + (v - cv) ** 2 > corner ** 2) return [0, 0, 0, 0];
    const gx = Math.floor((x - left) / scale);
    const gy = Math.floor((y - top) / scale);
    const glyph = GLYPHS[text[Math.floor(gx / 4)] ?? ''];
    const lit = x >= left && y >= top && gx % 4 < 3 && gy < 5 && glyph?.[gy]?.[gx % 4] === '#';
    return lit ? [255, 255, 255, 255] : STATES.error!;
  };
}

const dir = join(process.cwd(), 'assets');
for (const count of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '9+']) {
  const name = `overlay-${count.replace('+', 'plus')}`;
  writeFileSync(join(dir, `${name}.png`), png(16, countBadge(16, count)));
  writeFileSync(join(dir, `${name}@2x.png`), png(32, countBadge(32, count)));
}
for (const [state, colour] of Object.entries(STATES)) {
  writeFileSync(join(dir, `tray-${state}.png`), png(32, badge(32, colour, false, state)));
  writeFileSync(join(dir, `tray-${state}@2x.png`), png(64, badge(64, colour, false, state)));
  writeFileSync(join(dir, `tray-${state}Template.png`), png(22, badge(22, colour, true, state)));
  writeFileSync(join(dir, `tray-${state}Template@2x.png`), png(44, badge(44, colour, true, state)));
  writeFileSync(join(dir, `tray-${state}.ico`), ico([16, 32].map((size) => ({ size, data: png(size, badge(size, colour, false, state)) }))));
}
writeFileSync(join(dir, 'icon.png'), png(512, badge(512, STATES.ok!, false)));
writeFileSync(join(dir, 'icon.ico'), ico([16, 32, 48, 256].map((size) => ({ size, data: png(size, badge(size, STATES.ok!, false)) }))));
console.log('icons written to assets/');
