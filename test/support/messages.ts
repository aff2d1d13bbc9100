/** A small RFC 5322 message with a decodable sender and subject. */
export function message(options: { from?: string; subject: string; date?: string; body?: string }): string {
  return [
    `From: ${options.from ?? 'Sender <sender@example.com>'}`,
    'To: alice@example.com',
    `Subject: ${options.subject}`,
    `Date: ${options.date ?? 'Sun, 22 Nov 2026 03:00:00 +0000'}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@example.com>`,
    '',
    options.body ?? 'Hello.',
    '',
  ].join('\r\n');
}
