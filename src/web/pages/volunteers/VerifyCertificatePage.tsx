import { Alert, Button, Card, Descriptions, Form, Input } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, describeError } from '../../app/api.js';
import { useT } from '../../app/i18n.js';

interface Verified {
  valid: boolean;
  number: string;
  volunteerName: string | null;
  volunteerNo: string | null;
  issuer: string | null;
  hours: number | null;
  issuedAt: string | null;
}

/** Anyone (no sign-in) checks a certificate by its number and check code. */
export default function VerifyCertificatePage() {
  const t = useT();
  const [sp] = useSearchParams();
  const [result, setResult] = useState<Verified | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div style={{ maxWidth: 480, margin: '24px auto', padding: 12 }}>
      <Card title={t('cert.verify.title')}>
        <Form
          layout="vertical"
          initialValues={{ number: sp.get('number') ?? '', code: sp.get('code') ?? '' }}
          onFinish={(v: { number: string; code: string }) => {
            setBusy(true);
            setError(null);
            api
              .get<Verified>('/api/public/certificates/verify', {
                number: v.number.trim(),
                code: v.code.trim(),
              })
              .then(setResult)
              .catch((e) => setError(describeError(e)))
              .finally(() => setBusy(false));
          }}
        >
          <Form.Item name="number" label={t('cert.number')} rules={[{ required: true }]}>
            <Input data-testid="verify-number" />
          </Form.Item>
          <Form.Item name="code" label={t('cert.verifyCode')} rules={[{ required: true }]}>
            <Input data-testid="verify-code" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="verify-submit">
            {t('cert.verify.submit')}
          </Button>
        </Form>
        {error ? <Alert type="error" message={error} style={{ marginTop: 12 }} /> : null}
        {result ? (
          result.valid ? (
            <div data-testid="verify-valid">
              <Alert type="success" showIcon message={t('cert.verify.valid')} style={{ marginTop: 12 }} />
              <Descriptions size="small" column={1} style={{ marginTop: 8 }}>
                <Descriptions.Item label={t('vol.name')}>{result.volunteerName}</Descriptions.Item>
                <Descriptions.Item label={t('vol.no')}>{result.volunteerNo}</Descriptions.Item>
                <Descriptions.Item label={t('cert.hours')}>{result.hours}</Descriptions.Item>
                <Descriptions.Item label={t('cert.issuer')}>{result.issuer}</Descriptions.Item>
                <Descriptions.Item label={t('cert.issuedAt')}>{result.issuedAt}</Descriptions.Item>
              </Descriptions>
            </div>
          ) : (
            <Alert
              type="warning"
              showIcon
              message={t('cert.verify.invalid')}
              style={{ marginTop: 12 }}
              data-testid="verify-invalid"
            />
          )
        ) : null}
      </Card>
    </div>
  );
}
