import { ArrowLeftOutlined, PrinterOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Checkbox, Col, Form, Input, Row, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { errorMessage } from '../../app/api.js';
import { useAuth } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { PageHeader, QueryState } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { MatterFacts } from './MatterView.js';
import { noticeUrl, useAcceptApplication, useMatter } from './queries.js';

/**
 * The window desk for one matter: its elements, its materials as a checklist, and the intake —
 * accept (materials complete), accept with 容缺 (signed promise), or print the 一次性告知单.
 */
export default function MatterPage() {
  const t = useT();
  const { me, can } = useAuth();
  // the desk's own community by default (the first node the worker's roles are held on)
  const home = me?.roles[0];
  const navigate = useNavigate();
  const { message } = App.useApp();
  const id = Number(useParams().id);
  const q = useMatter(Number.isInteger(id) && id > 0 ? id : null);
  const [provided, setProvided] = useState<number[]>([]);
  const [gap, setGap] = useState(false);
  const [form] = Form.useForm();
  const accept = useAcceptApplication();
  const m = q.data;
  const missing = useMemo(
    () =>
      m
        ? m.materials
            .map((x, i) => ({ ...x, i }))
            .filter((x) => !provided.includes(x.i) && x.necessity !== 'optional')
        : [],
    [m, provided],
  );
  const requiredMissing = missing.some((x) => x.necessity === 'required');
  const mayAccept = can('service_application.accept');

  const submit = async () => {
    if (!m) return;
    const v = await form.validateFields();
    accept.mutate(
      {
        matterId: m.id,
        areaId: v.areaId,
        applicantName: v.applicantName,
        ...(v.contactPhone ? { contactPhone: v.contactPhone } : {}),
        ...(v.agentName
          ? { agentName: v.agentName, agentKind: 'agent', authorisation: v.authorisation }
          : {}),
        provided,
        gap,
      },
      {
        onSuccess: (r) => {
          void message.success(t('window.desk.accepted', { due: r.dueOn }));
          navigate(`/cases/${r.id}`);
        },
        onError: (e) => void message.error(errorMessage(e)),
      },
    );
  };
  const open = (kind: 'notice' | 'promise') => {
    if (!m) return;
    window.open(
      noticeUrl(
        m.id,
        kind,
        missing.map((x) => x.i),
        form.getFieldValue('applicantName'),
      ),
      '_blank',
    );
  };

  return (
    <>
      <PageHeader
        title={m ? m.name : t('window.desk.title')}
        extra={
          <Space wrap>
            {m ? (
              <Link to={`/guide/${m.id}`} target="_blank">
                {t('window.matter.guide')}
              </Link>
            ) : null}
            <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/window/matters')}>
              {t('window.matter.back')}
            </Button>
          </Space>
        }
      />
      <QueryState query={q}>
        {(matter) => (
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}>
              <MatterFacts m={matter} />
            </Col>
            <Col xs={24} lg={12}>
              <Card size="small" title={t('window.matter.materials')}>
                <Space direction="vertical" style={{ width: '100%' }} data-testid="materials">
                  {matter.materials.map((x, i) => (
                    <Checkbox
                      // the materials are a fixed list of this matter version: the index is the material's number
                      // biome-ignore lint/suspicious/noArrayIndexKey: a version's materials never reorder
                      key={`${i}-${x.name}`}
                      checked={provided.includes(i)}
                      onChange={(e) =>
                        setProvided((p) => (e.target.checked ? [...p, i] : p.filter((n) => n !== i)))
                      }
                      data-testid={`material-${i}`}
                    >
                      {x.name}{' '}
                      <Tag
                        color={
                          x.necessity === 'required' ? 'red' : x.necessity === 'gap_ok' ? 'orange' : 'default'
                        }
                      >
                        {t(`window.necessity.${x.necessity}`)}
                      </Tag>
                      <Typography.Text type="secondary">
                        {x.form ?? ''} × {x.copies}
                      </Typography.Text>
                    </Checkbox>
                  ))}
                </Space>
                <div style={{ marginTop: 12 }} data-testid="missing-summary">
                  {missing.length === 0 ? (
                    <Alert type="success" showIcon message={t('window.desk.complete')} />
                  ) : requiredMissing ? (
                    <Alert
                      type="error"
                      showIcon
                      message={t('window.desk.requiredMissing')}
                      description={t('window.desk.missing', { names: missing.map((x) => x.name).join('、') })}
                    />
                  ) : (
                    <Alert
                      type="warning"
                      showIcon
                      message={t('window.desk.missing', { names: missing.map((x) => x.name).join('、') })}
                    />
                  )}
                </div>
              </Card>
              {mayAccept ? (
                <Card size="small" title={t('window.desk.title')} style={{ marginTop: 16 }}>
                  <Form form={form} layout="vertical" initialValues={{ areaId: home?.areaId }}>
                    <Form.Item
                      name="applicantName"
                      label={t('window.desk.applicant')}
                      rules={[{ required: true, max: 40 }]}
                    >
                      <Input data-testid="applicant-name" />
                    </Form.Item>
                    <Form.Item name="areaId" label={t('window.desk.area')} rules={[{ required: true }]}>
                      <AreaTreeSelect valueLabel={home?.areaName} />
                    </Form.Item>
                    <Form.Item name="contactPhone" label={t('window.desk.phone')} rules={[{ max: 20 }]}>
                      <Input />
                    </Form.Item>
                    <Form.Item name="agentName" label={t('window.desk.agent')} rules={[{ max: 40 }]}>
                      <Input />
                    </Form.Item>
                    <Form.Item
                      name="authorisation"
                      label={t('window.desk.authorisation')}
                      rules={[{ max: 200 }]}
                    >
                      <Input />
                    </Form.Item>
                    {missing.length > 0 && !requiredMissing ? (
                      <Checkbox checked={gap} onChange={(e) => setGap(e.target.checked)} data-testid="gap">
                        {t('window.desk.gap')}
                      </Checkbox>
                    ) : null}
                  </Form>
                  <Space wrap style={{ marginTop: 12 }}>
                    <Button
                      icon={<PrinterOutlined />}
                      onClick={() => open('notice')}
                      data-testid="print-notice"
                    >
                      {t('window.desk.notice')}
                    </Button>
                    {missing.length > 0 && !requiredMissing ? (
                      <Button
                        icon={<PrinterOutlined />}
                        onClick={() => open('promise')}
                        data-testid="print-promise"
                      >
                        {t('window.desk.promise')}
                      </Button>
                    ) : null}
                    <Button
                      type="primary"
                      disabled={requiredMissing || (missing.length > 0 && !gap)}
                      loading={accept.isPending}
                      onClick={() => void submit()}
                      data-testid="accept"
                    >
                      {t('window.desk.accept')}
                    </Button>
                  </Space>
                </Card>
              ) : null}
            </Col>
          </Row>
        )}
      </QueryState>
    </>
  );
}
