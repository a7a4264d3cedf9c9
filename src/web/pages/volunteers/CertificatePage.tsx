import { PrinterOutlined } from '@ant-design/icons';
import { Button, Descriptions, Table, Typography } from 'antd';
import { useParams } from 'react-router';
import { useT } from '../../app/i18n.js';
import { PageHeader, QueryState } from '../../app/ui.js';
import { fmtDay, useCertificate } from '../activities/queries.js';

/** 志愿服务记录证明 (民发〔2015〕149号 fields): a print page — the browser saves it as PDF. */
export default function CertificatePage() {
  const t = useT();
  const id = Number(useParams().id);
  const q = useCertificate(id);
  return (
    <QueryState query={q}>
      {(c) => (
        <div style={{ maxWidth: 760, margin: '0 auto' }} data-testid="certificate">
          <PageHeader
            title={t('cert.title')}
            extra={
              <Button icon={<PrinterOutlined />} onClick={() => window.print()} className="jy-no-print">
                {t('cert.print')}
              </Button>
            }
          />
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
      )}
    </QueryState>
  );
}
