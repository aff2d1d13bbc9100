import { describe, expect, it } from 'vitest';
import { ChunkedColumn } from '../../src/migration/chunked-column.js';

describe('ChunkedColumn', () => {
  it('grows a chunk at a time and keeps what it holds', () => {
    const column = new ChunkedColumn(Uint32Array);
    expect(column.capacity).toBe(0);
    column.reserve(1);
    expect(column.capacity).toBe(4_096);
    column.reserve(4_096);
    expect(column.capacity).toBe(4_096);
    for (let position = 0; position < 4_096; position += 1) column.put(position, position * 3);
    column.reserve(4_097);
    expect(column.capacity).toBe(8_192);
    column.put(4_096, 0xffff_ffff);
    expect(column.at(4_095)).toBe(4_095 * 3);
    expect(column.at(4_096)).toBe(0xffff_ffff);
    expect(column.at(0)).toBe(0);
  });

  it('stores values as its kind does', () => {
    const bytes = new ChunkedColumn(Uint8Array);
    bytes.reserve(40_000);
    bytes.put(39_999, 0x1ff);
    expect(bytes.at(39_999)).toBe(0xff);
    expect(bytes.capacity).toBe(40_960);
  });
});
