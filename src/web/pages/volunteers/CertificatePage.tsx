import { PrinterOutlined } from '@ant-design/icons';
import { Button, Descriptions, Table, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router';
import type { Certificate } from '../../../contract/volunteers.js';
import { useT } from '../../app/i18n.js';
import { PrintView } from '../../app/ledger/Ledger.js';
import { PageHeader, QueryState } from '../../app/ui.js';
import { fmtDay, useCertificate } from '../activities/queries.js';

/** 志愿服务记录证明 (民发〔2015〕149号 fields): a print page — the browser saves it as PDF. */
export default function CertificatePage() {
  const t = useT();
  const id = Number(useParams().id);
  const q = useCertificate(id);
  const [printing, setPrinting] = useState(false);
  return (
    <QueryState query={q}>
      {(c) => (
        <div style={{ maxWidth: 760, margin: '0 auto' }} data-testid="certificate">
          <PageHeader
            title={t('cert.title')}
            extra={
              <Button icon={<PrinterOutlined />} onClick={() => setPrinting(true)} data-testid="cert-print">
                {t('cert.print')}
              </Button>
            }
          />
          <CertificateBody c={c} />
          {printing ? (
            <PrintView
              title={`${t('cert.title')} ${c.number}`}
              header={false}
              onClose={() => setPrinting(false)}
            >
              <CertificateBody c={c} />
            </PrintView>
          ) : null}
        </div>
      )}
    </QueryState>
  );
}

/** The certificate itself: on the page and, alone, in the A4 print view. */
function CertificateBody({ c }: { c: Certificate }) {
  const t = useT();
  return (
    <div>
      <Typography.Title level={3} style={{ textAlign: 'center' }}>
        {t('cert.title')}
      </Typography.Title>
      <Typography.Paragraph style={{ textAlign: 'right' }}>
        {t('cert.number')}：<span data-testid="cert-number">{c.number}</span>　{t('cert.verifyCode')}：
        <span data-testid="cert-code">{c.verifyCode}</span>
      </Typography.Paragraph>
      <Typography.Paragraph>
        {t('cert.body', { name: c.volunteerName, no: c.volunteerNo, hours: c.hours })}
      </Typography.Paragraph>
      <Table
        size="small"
        pagination={false}
        rowKey={(r) => `${r.date}-${r.title}`}
        dataSource={c.activities}
        columns={[
          { title: t('cert.date'), dataIndex: 'date' },
          { title: t('cert.activity'), dataIndex: 'title' },
          { title: t('cert.hours'), dataIndex: 'hours', align: 'right' },
        ]}
      />
      <Descriptions size="small" column={2} style={{ marginTop: 16 }}>
        <Descriptions.Item label={t('cert.issuer')}>{c.issuer}</Descriptions.Item>
        <Descriptions.Item label={t('cert.issuedAt')}>{fmtDay(c.issuedAt)}</Descriptions.Item>
        <Descriptions.Item label={t('cert.personInCharge')}>{c.personInCharge}</Descriptions.Item>
        <Descriptions.Item label={t('cert.handlingOfficer')}>{c.handlingOfficer}</Descriptions.Item>
        <Descriptions.Item label={t('cert.contact')}>{c.contact}</Descriptions.Item>
        <Descriptions.Item label={t('cert.noticeEnds')}>{c.noticeEndsOn}</Descriptions.Item>
      </Descriptions>
      <Typography.Paragraph type="secondary">{t('cert.verifyHint')}</Typography.Paragraph>
    </div>
  );
}
