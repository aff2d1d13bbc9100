import { describe, expect, it } from 'vitest';
import { ChunkedColumn } from '../../src/migration/chunked-column.js';

describe('ChunkedColumn', () => {
  it('grows a chunk at a time and keeps what it holds', () => {
    const column = new ChunkedColumn();
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

  it('stores values as a Uint32Array does', () => {
    const column = new ChunkedColumn();
    column.reserve(40_000);
    column.put(39_999, 2 ** 32 + 5);
    expect(column.at(39_999)).toBe(5);
    expect(column.capacity).toBe(40_960);
  });
});
