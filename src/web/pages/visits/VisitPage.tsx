import { ArrowLeftOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { Button, Card, Col, Descriptions, Row, Space, Tag, Typography } from 'antd';
import { Link, useNavigate, useParams } from 'react-router';
import { useAuth } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { PageHeader, QueryState, useIsMobile } from '../../app/ui.js';
import { AreaMap } from '../areas/AreaMap.js';
import { AttachmentList, CaseStateTag } from '../cases/shared.js';
import { VisitPrintButton } from './print.js';
import { useVisit, type Visit } from './queries.js';
import { FindingPanel, fmtTime, methodLabel } from './shared.js';

function answerText(t: (k: 'common.yes' | 'common.no') => string, v: unknown): string {
  if (v === true) return t('common.yes');
  if (v === false) return t('common.no');
  if (v === undefined || v === null || v === '') return '—';
  return String(v);
}

function VisitDetail({ v }: { v: Visit }) {
  const t = useT();
  const { can } = useAuth();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  // Answers by the rule's fields as they were when visited; keys the form no longer has, after.
  const known = new Set(v.formFields.map((f) => f.key));
  const answers = [
    ...v.formFields.map((f) => ({ key: f.key, label: f.label, value: v.form[f.key] })),
    ...Object.keys(v.form)
      .filter((k) => !known.has(k))
      .map((k) => ({ key: k, label: k, value: v.form[k] })),
  ];
  return (
    <>
      <PageHeader
        title={
          <Space size={8} wrap>
            <Button
              type="text"
              icon={<ArrowLeftOutlined />}
              onClick={() => navigate(-1)}
              aria-label={t('common.back')}
            />
            <span data-testid="visit-title">{t('visit.titleOf', { name: v.personName })}</span>
          </Space>
        }
        extra={mobile ? undefined : <VisitPrintButton v={v} />}
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card size="small" title={t('visit.sectionMeeting')}>
              <Descriptions
                size="small"
                column={{ xs: 1, sm: 2 }}
                items={[
                  {
                    key: 'person',
                    label: t('visit.person'),
                    children: can('person.read') ? (
                      <Link to={`/people/${v.personId}`} data-testid="visit-person-link">
                        {v.personName}
                      </Link>
                    ) : (
                      v.personName
                    ),
                  },
                  { key: 'rule', label: t('visit.rule'), children: v.ruleName ?? t('visit.noRule') },
                  { key: 'at', label: t('visit.visitedAt'), children: fmtTime(v.visitedAt) },
                  { key: 'visitor', label: t('visit.visitor'), children: v.visitor.name },
                  { key: 'method', label: t('visit.methodLabel'), children: methodLabel(t, v.method) },
                  { key: 'met', label: t('visit.met'), children: v.met },
                ]}
              />
              <Typography.Title level={5} style={{ marginTop: 12 }}>
                {t('visit.findings')}
              </Typography.Title>
              <Typography.Paragraph
                style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
                data-testid="visit-findings-text"
              >
                {v.findings || <Typography.Text type="secondary">{t('visit.noFindings')}</Typography.Text>}
              </Typography.Paragraph>
              <AttachmentList items={v.attachments} size={mobile ? 96 : 110} />
            </Card>
            {answers.length > 0 ? (
              <Card size="small" title={t('visit.sectionForm')} data-testid="visit-answers">
                <Descriptions
                  size="small"
                  column={1}
                  items={answers.map((a) => ({
                    key: a.key,
                    label: a.label,
                    children: answerText(t, a.value),
                  }))}
                />
              </Card>
            ) : null}
          </Space>
        </Col>
        <Col xs={24} xl={10}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card size="small" title={t('visit.linkedCases')} data-testid="visit-cases">
              {v.cases.length === 0 ? (
                <Typography.Text type="secondary">{t('visit.noCases')}</Typography.Text>
              ) : (
                <Space orientation="vertical" size={6} style={{ width: '100%' }}>
                  {v.cases.map((c) => (
                    <Space key={c.id} size={8} wrap>
                      <Link to={`/cases/${c.id}`} data-testid={`visit-case-${c.id}`}>
                        <span className="jy-mono">{c.no}</span> {c.title}
                      </Link>
                      <CaseStateTag state={c.state as 'reported'} />
                    </Space>
                  ))}
                </Space>
              )}
            </Card>
            <FindingPanel
              source={{
                kind: 'visit',
                id: v.id,
                title: t('finding.visitTitle', { name: v.personName }),
                description: v.findings,
                location: v.location,
                person: { id: v.personId, name: v.personName },
              }}
            />
            <Card size="small" title={t('case.sectionLocation')}>
              {v.location ? (
                <Space orientation="vertical" size={8} style={{ width: '100%' }}>
                  <Typography.Text type="secondary">
                    <EnvironmentOutlined />{' '}
                    <span className="jy-mono">
                      {v.location.lat.toFixed(6)}, {v.location.lng.toFixed(6)}
                    </span>
                  </Typography.Text>
                  <AreaMap
                    shapes={[]}
                    markers={[{ id: 1, at: [v.location.lng, v.location.lat], color: '#f5222d', kind: 'pin' }]}
                    fallbackCenter={[v.location.lng, v.location.lat]}
                    fitKey={`${v.location.lat}-${v.location.lng}`}
                    height={mobile ? 200 : 240}
                    data-testid="visit-map"
                  />
                </Space>
              ) : (
                <Tag>{t('visit.noLocation')}</Tag>
              )}
            </Card>
          </Space>
        </Col>
      </Row>
    </>
  );
}

export default function VisitPage() {
  const { id } = useParams();
  const visit = useVisit(Number(id));
  return (
    <QueryState query={visit} rows={10}>
      {(v) => <VisitDetail v={v} />}
    </QueryState>
  );
}
