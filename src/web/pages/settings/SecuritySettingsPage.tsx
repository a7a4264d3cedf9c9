import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Form, InputNumber, Row, Space, Switch } from 'antd';
import { useEffect } from 'react';
import type { SecuritySettings } from '../../../contract/auth.js';
import { api } from '../../app/api.js';
import { useSubmit } from '../../app/forms.js';
import { useT } from '../../app/i18n.js';
import { PageHeader, QueryState } from '../../app/ui.js';

const key = ['settings', 'security'] as const;

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
                    <Form.Item name="idleTimeoutMinutes" label={t('security.idle')} rules={range(5, 1440)}>
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
    </>
  );
}
