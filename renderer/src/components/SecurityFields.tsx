import { useTranslation } from 'react-i18next';
import type { AccountInput } from '../../../src/ipc/contract.js';

type Security = AccountInput['security'];

/** The security choice, and the explicit "I understand the risk" that plaintext needs. */
export function SecurityFields({ idPrefix, security, riskAccepted, disabled = false, invalid, onSecurity, onRisk }: {
  idPrefix: string; security: Security; riskAccepted: boolean; disabled?: boolean; invalid?: (name: string) => boolean;
  onSecurity: (security: Security) => void; onRisk: (accepted: boolean) => void;
}) {
  const { t } = useTranslation();
  const ariaInvalid = (name: string) => (invalid?.(name) ? true : undefined);
  return (
    <>
      <label htmlFor={`${idPrefix}-security`}>{t('form.security')}</label>
      <select id={`${idPrefix}-security`} aria-invalid={ariaInvalid('security')} value={security} disabled={disabled}
        onChange={(e) => onSecurity(e.target.value as Security)}>
        <option value="tls">{t('form.securityTls')}</option>
        <option value="starttls">{t('form.securityStarttls')}</option>
        <option value="plaintext">{t('form.securityPlaintext')}</option>
      </select>
      {security === 'plaintext' && (
        <div className="checkbox">
          <input id={`${idPrefix}-plaintextRiskAccepted`} aria-invalid={ariaInvalid('plaintextRiskAccepted')} type="checkbox"
            checked={riskAccepted} disabled={disabled} onChange={(e) => onRisk(e.target.checked)} />
          <label htmlFor={`${idPrefix}-plaintextRiskAccepted`}>{t('form.plaintextRisk')}</label>
        </div>
      )}
    </>
  );
}
