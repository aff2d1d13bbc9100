// The tray's states must be told apart without colour (colour blindness, a monochrome panel): the
// committed icons, read back as dark/light masks, differ by shape for every pair of states.
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** A PNG as scripts/make-icons.ts writes it (8-bit RGBA, filter 0, one IDAT): dark-pixel mask. */
function darkMask(path: string): string {
  const file = readFileSync(path);
  const width = file.readUInt32BE(16);
  let offset = 8;
  const idat: Buffer[] = [];
  while (offset < file.length) {
    const length = file.readUInt32BE(offset);
    const type = file.toString('latin1', offset + 4, offset + 8);
    if (type === 'IDAT') idat.push(file.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  let mask = '';
  for (let y = 0; y < width; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const at = y * (1 + width * 4) + 1 + x * 4;
      const [r, g, b, a] = [raw[at]!, raw[at + 1]!, raw[at + 2]!, raw[at + 3]!];
      mask += a > 0 && r + g + b < 200 ? '#' : '.';
    }
  }
  return mask;
}

describe('tray icons', () => {
  const states = ['ok', 'error', 'needs-password', 'paused'];
  it.each(['', '@2x'])('differ by shape, not colour only (%s)', (scale) => {
    const masks = states.map((state) => darkMask(new URL(`../../assets/tray-${state}${scale}.png`, import.meta.url).pathname));
    for (let i = 0; i < masks.length; i += 1) {
      for (let j = i + 1; j < masks.length; j += 1) expect(masks[i], `${states[i]} vs ${states[j]}`).not.toBe(masks[j]);
    }
  });
});
