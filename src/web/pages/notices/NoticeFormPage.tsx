import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Form, Input, InputNumber, Radio, Select, Space } from 'antd';
import { useNavigate } from 'react-router';
import { AUDIENCES, CHANNELS, COUNTINGS } from '../../../contract/publications.js';
import { api } from '../../app/api.js';
import { useAuth } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { PageHeader, QueryState, useNotify } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { type KindInfo, useNoticeKinds } from './queries.js';
import { audienceText, channelsText, countingText, useL } from './shared.js';

interface Values {
  kind: string;
  areaId: number;
  title: string;
  body: string;
  audience: string;
  channels: string[];
  displayDays: number;
  counting: string;
  list?: { name: string; idNumber?: string; phone?: string; address?: string; note?: string }[];
}

/** 起草: a draft of a declared kind, its periods and steps shown from the kind (⚠ defaults said so). */
export default function NoticeFormPage() {
  const t = useT();
  const kinds = useNoticeKinds();
  return (
    <>
      <PageHeader title={t('notices.form.title')} />
      <QueryState query={kinds} isEmpty={(k) => k.length === 0}>
        {(k) => <DraftForm kinds={k} />}
      </QueryState>
    </>
  );
}

function DraftForm({ kinds }: { kinds: KindInfo[] }) {
  const t = useT();
  const l = useL();
  const { me } = useAuth();
  // The place the user drafts for by default: the node of their first role.
  const home = me?.roles[0];
  const notify = useNotify();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const kindCode = Form.useWatch('kind', form) ?? kinds[0]!.code;
  const kind = kinds.find((k) => k.code === kindCode) ?? kinds[0]!;
  const pick = (k: KindInfo) =>
    form.setFieldsValue({
      audience: k.audiences[0],
      channels: [...k.channels],
      displayDays: k.displayDays,
      counting: k.counting,
    });

  const submit = async (v: Values) => {
    try {
      const r = await api.post<{ id: number }>('/api/notices', { ...v, list: v.list ?? [] });
      notify.ok(t('notices.form.saved'));
      navigate(`/notices/${r.id}`);
    } catch (e) {
      notify.fail(e, form);
    }
  };

  return (
    <Card>
      <Form<Values>
        form={form}
        layout="vertical"
        style={{ maxWidth: 760 }}
        initialValues={{
          kind: kinds[0]!.code,
          areaId: home?.areaId,
          audience: kinds[0]!.audiences[0],
          channels: [...kinds[0]!.channels],
          displayDays: kinds[0]!.displayDays,
          counting: kinds[0]!.counting,
        }}
        onFinish={submit}
        data-testid="notice-form"
      >
        <Form.Item name="kind" label={t('notices.form.kind')} rules={[{ required: true }]}>
          <Radio.Group
            optionType="button"
            onChange={(e) => pick(kinds.find((k) => k.code === e.target.value)!)}
            options={kinds.map((k) => ({ value: k.code, label: l === 'zh' ? k.zh : k.en }))}
          />
        </Form.Item>
        <Alert
          type={kind.unverified ? 'warning' : 'info'}
          showIcon
          style={{ marginBottom: 16 }}
          message={t('notices.form.defaults', {
            days: kind.displayDays,
            counting: countingText(kind.counting, l),
            objection: kind.objectionDays ? t('notices.form.objection', { days: kind.objectionDays }) : '',
            steps: kind.steps.length
              ? kind.steps.map((s) => (l === 'zh' ? s.zh : s.en)).join(' → ')
              : t('notices.form.noSteps'),
          })}
          description={kind.unverified ? t('notices.form.unverified') : undefined}
        />
        <Form.Item name="areaId" label={t('notices.form.area')} rules={[{ required: true }]}>
          <AreaTreeSelect valueLabel={home?.areaName} data-testid="notice-area" />
        </Form.Item>
        <Form.Item
          name="title"
          label={t('notices.form.heading')}
          rules={[{ required: true, min: 2, max: 100 }]}
        >
          <Input maxLength={100} data-testid="notice-title" />
        </Form.Item>
        <Form.Item name="body" label={t('notices.form.body')} rules={[{ required: true, min: 2 }]}>
          <Input.TextArea
            autoSize={{ minRows: 5, maxRows: 16 }}
            maxLength={20000}
            data-testid="notice-body"
          />
        </Form.Item>
        <Space wrap size="large">
          <Form.Item name="audience" label={t('notices.form.audience')}>
            <Select
              style={{ minWidth: 160 }}
              options={AUDIENCES.filter((a) => kind.audiences.includes(a)).map((a) => ({
                value: a,
                label: audienceText(a, l),
              }))}
            />
          </Form.Item>
          <Form.Item name="channels" label={t('notices.form.channels')}>
            <Checkbox.Group options={CHANNELS.map((c) => ({ value: c, label: channelsText([c], l) }))} />
          </Form.Item>
          <Form.Item name="displayDays" label={t('notices.form.displayDays')}>
            <InputNumber min={kind.displayDays} max={365} />
          </Form.Item>
          <Form.Item name="counting" label={t('notices.form.counting')}>
            <Select
              style={{ minWidth: 220 }}
              options={COUNTINGS.map((c) => ({ value: c, label: countingText(c, l) }))}
            />
          </Form.Item>
        </Space>
        <Form.List name="list">
          {(fields, { add, remove }) => (
            <Form.Item label={t('notices.form.list')}>
              {fields.map((f) => (
                <Space key={f.key} wrap align="baseline" style={{ marginBottom: 4 }}>
                  <Form.Item name={[f.name, 'name']} rules={[{ required: true }]} noStyle>
                    <Input placeholder={t('notices.form.listName')} style={{ width: 110 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'idNumber']} noStyle>
                    <Input placeholder={t('notices.form.listId')} style={{ width: 190 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'phone']} noStyle>
                    <Input placeholder={t('notices.form.listPhone')} style={{ width: 130 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'address']} noStyle>
                    <Input placeholder={t('notices.form.listAddress')} style={{ width: 200 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'note']} noStyle>
                    <Input placeholder={t('notices.form.listNote')} style={{ width: 120 }} />
                  </Form.Item>
                  <MinusCircleOutlined onClick={() => remove(f.name)} aria-label="remove" />
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add()}>
                {t('notices.form.listAdd')}
              </Button>
            </Form.Item>
          )}
        </Form.List>
        <Button type="primary" htmlType="submit" data-testid="notice-save">
          {t('notices.form.save')}
        </Button>
      </Form>
    </Card>
  );
}
