import { describe, expect, it } from 'vitest';
import { ChunkedColumn } from '../../src/migration/chunked-column.js';

describe('ChunkedColumn', () => {
  it('grows a chunk at a time and keeps what it holds', () => {
    const column = new ChunkedColumn(Uint32Array);
    expect(column.capacity).toBe(0);
    column.reserve(1);
    expect(column.capacity).toBe(16_384);
    column.reserve(16_384);
    expect(column.capacity).toBe(16_384);
    for (let position = 0; position < 16_384; position += 1) column.put(position, position * 3);
    column.reserve(16_385);
    expect(column.capacity).toBe(32_768);
    column.put(16_384, 0xffff_ffff);
    expect(column.at(16_383)).toBe(16_383 * 3);
    expect(column.at(16_384)).toBe(0xffff_ffff);
    expect(column.at(0)).toBe(0);
  });

  it('stores values as its kind does', () => {
    const bytes = new ChunkedColumn(Uint8Array);
    bytes.reserve(40_000);
    bytes.put(39_999, 0x1ff);
    expect(bytes.at(39_999)).toBe(0xff);
    expect(bytes.capacity).toBe(49_152);
  });
});
