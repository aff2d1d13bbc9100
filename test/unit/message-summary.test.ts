import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { summaryFromHeader } from '../../src/detection/message-summary.js';

// iconv-lite decodes ISO-2022-JP (libmime routes it through encoding-japanese) but cannot encode it.
const ISO_2022_JP: Record<string, string> = { 田中: 'GyRCRURDZhsoQg==', 会議のお知らせ: 'GyRCMnE1RCROJCpDTiRpJDsbKEI=' };
const word = (charset: string, text: string): string =>
  `=?${charset}?B?${charset === 'ISO-2022-JP' ? ISO_2022_JP[text] : iconv.encode(text, charset).toString('base64')}?=`;

describe('header decoding for notifications', () => {
  it.each([
    ['GBK', '张三', '会议纪要'],
    ['GB18030', '李四', '𠀀 生僻字'],
    ['Big5', '陳大文', '會議通知'],
    ['ISO-2022-JP', '田中', '会議のお知らせ'],
    ['UTF-8', 'Zoë', 'Ünïcödé ✓'],
  ])('RFC 2047 words in %s', (charset, name, subject) => {
    const header = Buffer.from(`From: ${word(charset, name)} <x@example.com>\r\nSubject: ${word(charset, subject)}\r\nDate: Mon, 2 Nov 2026 10:00:00 +0100\r\n\r\n`);
    expect(summaryFromHeader(header)).toEqual({ from: `${name} <x@example.com>`, subject, date: '2026-11-02T09:00:00.000Z' });
  });

  it('raw 8-bit headers in the declared charset', () => {
    const header = Buffer.concat([
      Buffer.from('From: '), iconv.encode('王五', 'gbk'), Buffer.from(' <w@example.cn>\r\nSubject: '),
      iconv.encode('你好，世界', 'gbk'), Buffer.from('\r\nContent-Type: text/plain; charset="GBK"\r\n\r\n'),
    ]);
    expect(summaryFromHeader(header)).toMatchObject({ from: '王五 <w@example.cn>', subject: '你好，世界' });
  });

  it('folded headers, no Date, and an unreadable Date', () => {
    expect(summaryFromHeader(Buffer.from('Subject: a\r\n long\r\n\tsubject\r\nFrom: b@example.com\r\n\r\n')))
      .toEqual({ from: 'b@example.com', subject: 'a long subject', date: null });
    expect(summaryFromHeader(Buffer.from('Date: yesterday-ish\r\n\r\n')).date).toBeNull();
  });
});
