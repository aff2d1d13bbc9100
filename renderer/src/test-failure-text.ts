import type { TFunction } from 'i18next';
import type { TestResult } from '../../src/ipc/contract.js';
import { serverWords } from './server-words.js';

/** Why "Test connection" failed, in words: a certificate this computer does not trust is said as
 * such, with the way on (saving shows the certificate to decide on); other TLS trouble by its
 * class; a refused login with the server's own words; never the TLS library's codes. */
export function testFailureText(result: Extract<TestResult, { ok: false }>, t: TFunction): string {
  if (result.reason === 'tls') return result.certificate ? t('form.tlsUntrusted') : t('reason.tls');
  if (result.reason === 'rejected') return `${t('reason.rejected')} — ${serverWords(result.message)}`;
  return `${t(`reason.${result.reason}`)} — ${result.message}`;
}
