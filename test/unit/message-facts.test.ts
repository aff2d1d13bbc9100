import { describe, expect, it } from 'vitest';
import { deliveryDate, headerHash, messageId } from '../../src/migration/message-facts.js';

const message = (header: string, body = 'body\r\n'): Buffer => Buffer.from(`${header}\r\n${body}`, 'latin1');

describe('message facts read from the header', () => {
  it('takes the topmost Received: date, unfolded, over Date:', () => {
    const bytes = message('Return-Path: <a@b>\r\nReceived: from mx.example (mx [10.0.0.1])\r\n\tby mail.example with ESMTPS;\r\n Tue, 3 Mar 2026 10:00:00 +0000\r\n'
      + 'Received: from older; Mon, 2 Mar 2026 09:00:00 +0000\r\nDate: Sun, 1 Mar 2026 08:00:00 +0000\r\nSubject: hi\r\n');
    expect(deliveryDate(bytes)?.toISOString()).toBe('2026-03-03T10:00:00.000Z');
  });

  it('goes on to the next Received: when the first has no date, then to Date:, any case, bare LF too', () => {
    expect(deliveryDate(message('RECEIVED: by local\r\nreceived : from x; Mon, 2 Mar 2026 09:00:00 +0000\r\n'))?.toISOString()).toBe('2026-03-02T09:00:00.000Z');
    expect(deliveryDate(Buffer.from('Subject: a\nDATE: Sun, 1 Mar 2026 08:00:00 +0000\n\nbody\n', 'latin1'))?.toISOString()).toBe('2026-03-01T08:00:00.000Z');
    expect(deliveryDate(message('Subject: no dates\r\nX-Received-Date: Sun, 1 Mar 2026 08:00:00 +0000\r\n'))).toBeUndefined();
    expect(deliveryDate(message('Date: not a date\r\n'))).toBeUndefined();
  });

  it('reads only the header: a Date: line in the body does not count', () => {
    expect(deliveryDate(message('Subject: a\r\n', 'Date: Sun, 1 Mar 2026 08:00:00 +0000\r\n'))).toBeUndefined();
    expect(messageId(message('Subject: a\r\n', 'Message-ID: <body@x>\r\n'))).toBeUndefined();
  });

  it('reads a folded Message-ID and keeps the header hash to the header block', () => {
    expect(messageId(message('Message-ID:\r\n <folded@example.com>\r\nSubject: a\r\n'))).toBe('<folded@example.com>');
    expect(headerHash(message('Subject: a\r\n', 'one'))).toBe(headerHash(message('Subject: a\r\n', 'two')));
  });
});
