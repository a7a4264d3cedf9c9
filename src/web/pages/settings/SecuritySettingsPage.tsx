import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Form, InputNumber, Row, Space, Switch, Table, Tag } from 'antd';
import { useEffect } from 'react';
import type { AddressThrottle, SecuritySettings } from '../../../contract/auth.js';
import { api } from '../../app/api.js';
import { useSubmit } from '../../app/forms.js';
import { useT } from '../../app/i18n.js';
import { fmtTime } from '../../app/time.js';
import { ErrorState, emptyText, PageHeader, QueryState, useIsMobile, useNotify } from '../../app/ui.js';

const key = ['settings', 'security'] as const;
const addressesKey = ['settings', 'security', 'addresses'] as const;

/**
 * Source addresses with failed sign-ins in the current window (docs/security.md "lockout"): the
 * slowed ones wait between attempts; the security administrator may clear one (audited).
 */
function AddressThrottles() {
  const t = useT();
  const qc = useQueryClient();
  const mobile = useIsMobile();
  const { modal } = App.useApp();
  const { ok, fail } = useNotify();
  const query = useQuery({
    queryKey: addressesKey,
    queryFn: ({ signal }) =>
      api.get<{ items: AddressThrottle[] }>('/api/settings/security/addresses', undefined, { signal }),
    refetchInterval: 30_000,
  });
  const unlock = (a: AddressThrottle) =>
    modal.confirm({
      title: t('security.unlockAddressConfirm', { address: a.address }),
      onOk: async () => {
        try {
          await api.post('/api/settings/security/addresses/unlock', { address: a.address });
          ok(t('security.addressUnlocked'));
          await qc.invalidateQueries({ queryKey: addressesKey });
        } catch (e) {
          fail(e);
        }
      },
    });
  return (
    <Card title={t('security.addresses')} style={{ maxWidth: 880 }} data-testid="address-throttles">
      <Alert type="info" showIcon title={t('security.addressesHint')} style={{ marginBottom: 12 }} />
      {query.error && !query.data ? (
        <ErrorState compact error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <Table<AddressThrottle>
          rowKey="address"
          size={mobile ? 'small' : 'middle'}
          loading={query.isPending}
          dataSource={query.data?.items ?? []}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: emptyText(t('security.noAddresses')) }}
          columns={[
            { title: t('security.address'), dataIndex: 'address' },
            { title: t('security.failures'), dataIndex: 'failures', align: 'right' },
            {
              title: t('security.lastAttempt'),
              dataIndex: 'lastAt',
              render: (v: string) => fmtTime(v, 'MM-DD HH:mm:ss'),
            },
            {
              title: t('security.addressState'),
              key: 'state',
              render: (_, a) =>
                a.slowed ? (
                  <Tag color="orange">{t('security.slowed', { n: a.delaySeconds })}</Tag>
                ) : (
                  <Tag>{t('security.counting')}</Tag>
                ),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, a) => (
                <Button type="link" size="small" onClick={() => unlock(a)}>
                  {t('security.unlockAddress')}
                </Button>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}

export default function SecuritySettingsPage() {
  const t = useT();
  const qc = useQueryClient();
  const [form] = Form.useForm<SecuritySettings>();
  const { busy, run, ok } = useSubmit(form);
  const query = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api.get<SecuritySettings>('/api/settings/security', undefined, { signal }),
  });

  useEffect(() => {
    if (query.data) form.setFieldsValue(query.data);
  }, [query.data, form]);

  const onFinish = async (v: SecuritySettings) => {
    await run(async () => {
      const saved = await api.put<SecuritySettings>('/api/settings/security', v);
      qc.setQueryData(key, saved ?? v);
      ok(t('common.saved'));
    });
  };

  const num = (min: number, max: number, unit?: string) => (
    <InputNumber min={min} max={max} precision={0} style={{ width: '100%' }} suffix={unit} />
  );
  const range = (min: number, max: number) => [
    { required: true, message: t('form.required') },
    { type: 'number' as const, min, max, message: t('form.range', { min, max }) },
  ];

  return (
    <>
      <PageHeader title={t('nav.security')} />
      <QueryState query={query} rows={10}>
        {(data) => (
          <Form<SecuritySettings>
            form={form}
            layout="vertical"
            initialValues={data}
            onFinish={onFinish}
            style={{ maxWidth: 880 }}
          >
            <Space orientation="vertical" size={16} style={{ width: '100%' }}>
              <Alert type="info" showIcon title={t('security.baseline')} />
              <Card title={t('security.passwordPolicy')}>
                <Row gutter={16}>
                  <Col xs={24} sm={12}>
                    <Form.Item
                      name={['passwordPolicy', 'minLength']}
                      label={t('security.minLength')}
                      rules={range(6, 64)}
                    >
                      {num(6, 64, t('unit.chars'))}
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={12}>
                    <Form.Item
                      name={['passwordPolicy', 'minClasses']}
                      label={t('security.minClasses')}
                      extra={t('security.minClassesHint')}
                      rules={range(1, 4)}
                    >
                      {num(1, 4)}
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={12}>
                    <Form.Item
                      name={['passwordPolicy', 'expiryDays']}
                      label={t('security.expiryDays')}
                      extra={t('security.expiryDaysHint')}
                      rules={range(0, 3650)}
                    >
                      {num(0, 3650, t('unit.days'))}
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={12}>
                    <Form.Item
                      name={['passwordPolicy', 'history']}
                      label={t('security.history')}
                      extra={t('security.historyHint')}
                      rules={range(1, 24)}
                    >
                      {num(1, 24, t('unit.times'))}
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={12}>
                    <Form.Item
                      name={['passwordPolicy', 'forceChangeOnFirstLogin']}
                      label={t('security.forceChange')}
                      valuePropName="checked"
                    >
                      <Switch />
                    </Form.Item>
                  </Col>
                </Row>
              </Card>
              <Card title={t('security.sessions')}>
                <Row gutter={16}>
                  <Col xs={24} sm={12}>
                    <Form.Item
                      name="idleTimeoutMinutes"
                      label={t('security.idle')}
                      extra={t('phone.idleDeskHint')}
                      rules={range(5, 1440)}
                    >
                      {num(5, 1440, t('unit.minutes'))}
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={12}>
                    <Form.Item
                      name="gridWorkerIdleMinutes"
                      label={t('phone.idleGridWorker')}
                      extra={t('phone.idleGridWorkerHint')}
                      rules={range(5, 1440)}
                    >
                      {num(5, 1440, t('unit.minutes'))}
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={12}>
                    <Form.Item
                      name="absoluteLifetimeHours"
                      label={t('security.absolute')}
                      rules={range(1, 336)}
                    >
                      {num(1, 336, t('unit.hours'))}
                    </Form.Item>
                  </Col>
                </Row>
              </Card>
              <Card title={t('security.lockout')}>
                <Row gutter={16}>
                  <Col xs={24} sm={12}>
                    <Form.Item name="lockoutThreshold" label={t('security.threshold')} rules={range(3, 20)}>
                      {num(3, 20, t('unit.times'))}
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={12}>
                    <Form.Item
                      name="ipLockoutThreshold"
                      label={t('security.ipThreshold')}
                      extra={t('security.ipThresholdHint')}
                      rules={range(3, 500)}
                    >
                      {num(3, 500, t('unit.times'))}
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={12}>
                    <Form.Item name="lockoutMinutes" label={t('security.lockMinutes')} rules={range(1, 1440)}>
                      {num(1, 1440, t('unit.minutes'))}
                    </Form.Item>
                  </Col>
                </Row>
              </Card>
              <Space>
                <Button type="primary" htmlType="submit" loading={busy} data-testid="security-save">
                  {t('common.save')}
                </Button>
                <Button onClick={() => form.setFieldsValue(data)}>{t('common.reset')}</Button>
              </Space>
            </Space>
          </Form>
        )}
      </QueryState>
      <div style={{ marginTop: 16 }}>
        <AddressThrottles />
      </div>
    </>
  );
}
