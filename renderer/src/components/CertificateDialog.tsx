import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CertificateView } from '../../../src/ipc/contract.js';
import { api, errorText } from '../api.js';
import { Dialog } from './Dialog.js';

/** By default it answers for an account's own server; the migration wizard passes `onTrust` for the old one. */
export function CertificateDialog({ certificate, onClose, onTrust }: {
  certificate: CertificateView & { url: string }; onClose: () => void; onTrust?: (fingerprint256: string) => Promise<void>;
}) {
  const { t, i18n } = useTranslation();
  const [error, setError] = useState('');
  const date = (iso: string) => new Date(iso).toLocaleDateString(i18n.language);
  const trust = async () => {
    try {
      if (onTrust) await onTrust(certificate.fingerprint256);
      else await api.trustCertificate({ url: certificate.url, fingerprint256: certificate.fingerprint256 });
      onClose();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const cancel = () => { if (!onTrust) void api.dismissCertificate({ url: certificate.url }); onClose(); };
  return (
    <Dialog labelId="certificate-title" onClose={cancel}>
      <h2 id="certificate-title">{t('certificate.title', { host: certificate.host, port: certificate.port })}</h2>
      <p>{t('certificate.explain')}</p>
      <dl className="certificate">
        <dt>{t('certificate.subject')}</dt><dd>{certificate.subject}</dd>
        <dt>{t('certificate.issuer')}</dt><dd>{certificate.issuer}</dd>
        <dt>{t('certificate.validity')}</dt><dd>{date(certificate.validFrom)} – {date(certificate.validTo)}</dd>
        <dt>{t('certificate.fingerprint')}</dt><dd className="fingerprint" data-testid="fingerprint">
          {/* One box per byte: a long fingerprint wraps between bytes, never inside one. */}
          {certificate.fingerprint256.split(':').map((byte, index, all) => <span className="byte" key={index}>{byte}{index < all.length - 1 ? ':' : ''}</span>)}
        </dd>
      </dl>
      {error && <p role="alert" className="error">{error}</p>}
      <div className="actions">
        <button type="button" onClick={cancel}>{t('certificate.cancel')}</button>
        <button type="button" className="danger" onClick={() => void trust()}>{t('certificate.trust')}</button>
      </div>
    </Dialog>
  );
}
