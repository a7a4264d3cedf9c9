import { Alert, Button, Card, Form, Input, List, Space, Table, Tag, Typography } from 'antd';
import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { useT } from '../../app/i18n.js';
import { QueryState, useNotify } from '../../app/ui.js';
import { AttachmentList } from '../cases/shared.js';
import { type ResidentNotice, useMarkRead, useObject, useResidentNotice } from './queries.js';
import { fmtDay, fmtTime } from './shared.js';

/**
 * One notice for a resident (phone-first): read receipt on opening, the masked list, the link to
 * the corrected version, and — during a 公示's objection window — the objection form with the
 * replies to the resident's own objections. `publicView`: read without a session (no receipt, no form).
 */
export function ResidentNoticePage({
  id: given,
  basePath = '/r/notices',
  publicView = false,
}: {
  id?: number;
  basePath?: string;
  publicView?: boolean;
}) {
  const params = useParams();
  const id = given ?? Number(params.id);
  const q = useResidentNotice(id, { publicView });
  const read = useMarkRead();
  const t = useT();
  const unread = q.data && !q.data.read && !publicView;
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per opened notice
  useEffect(() => {
    if (unread) read.mutate(id);
  }, [unread, id]);
  return (
    <div style={{ maxWidth: 720, margin: '0 auto' }}>
      <Link to={basePath} style={{ display: 'inline-block', padding: '8px 0', fontSize: 16 }}>
        ← {t('resident.notices.back')}
      </Link>
      <QueryState query={q}>
        {(n) => <NoticeBody n={n} basePath={basePath} publicView={publicView} />}
      </QueryState>
    </div>
  );
}

function NoticeBody({
  n,
  basePath,
  publicView,
}: {
  n: ResidentNotice;
  basePath: string;
  publicView: boolean;
}) {
  const t = useT();
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="resident-notice">
      {n.correctedById ? (
        <Alert
          type="warning"
          showIcon
          message={<Link to={`${basePath}/${n.correctedById}`}>{t('resident.notices.correctedLink')}</Link>}
        />
      ) : null}
      <Card styles={{ body: { padding: 16 } }}>
        <Space wrap size={6}>
          <Tag>{n.kindName}</Tag>
          {n.supersedesId ? (
            <Link to={`${basePath}/${n.supersedesId}`}>{t('resident.notices.original')}</Link>
          ) : null}
        </Space>
        <Typography.Title level={4} style={{ marginTop: 8, fontSize: 20 }}>
          {n.title}
        </Typography.Title>
        <Typography.Text type="secondary" style={{ fontSize: 15 }}>
          {n.areaName} · {fmtTime(n.publishedAt)}
          {n.displayUntil ? ` · ${t('resident.notices.until', { date: n.displayUntil })}` : ''}
        </Typography.Text>
        <Typography.Paragraph
          style={{ whiteSpace: 'pre-wrap', fontSize: 17, lineHeight: 1.8, marginTop: 12 }}
        >
          {n.body}
        </Typography.Paragraph>
        {n.list.length ? (
          <>
            <Typography.Title level={5}>{t('resident.notices.list')}</Typography.Title>
            <Table
              size="small"
              pagination={false}
              rowKey={(_, i) => String(i)}
              dataSource={n.list}
              scroll={{ x: true }}
              columns={[
                { key: 'name', dataIndex: 'name', title: t('notices.form.listName') },
                {
                  key: 'address',
                  dataIndex: 'address',
                  title: t('notices.form.listAddress'),
                  render: (v) => v ?? '—',
                },
                {
                  key: 'note',
                  dataIndex: 'note',
                  title: t('notices.form.listNote'),
                  render: (v) => v ?? '—',
                },
              ]}
            />
          </>
        ) : null}
        {n.attachments.length ? <AttachmentList items={n.attachments} /> : null}
      </Card>
      {n.objectionUntil && n.objectionOpen ? (
        publicView ? (
          <Alert type="info" showIcon message={t('resident.notices.signInToObject')} />
        ) : (
          <ObjectionForm n={n} />
        )
      ) : null}
      {n.myObjections.length ? (
        <Card title={t('resident.notices.mine')} styles={{ body: { padding: 16 } }}>
          <List
            dataSource={n.myObjections}
            renderItem={(o) => (
              <List.Item>
                <Space direction="vertical" size={4}>
                  <Typography.Text type="secondary">
                    {o.no} · {fmtDay(o.at)}
                  </Typography.Text>
                  <Typography.Text>{o.text}</Typography.Text>
                  <Typography.Text type={o.reply ? undefined : 'secondary'} data-testid="objection-reply">
                    {t('resident.notices.reply')}：{o.reply ?? t('resident.notices.noReply')}
                  </Typography.Text>
                </Space>
              </List.Item>
            )}
          />
        </Card>
      ) : null}
    </Space>
  );
}

function ObjectionForm({ n }: { n: ResidentNotice }) {
  const t = useT();
  const notify = useNotify();
  const object = useObject(n.id);
  const [form] = Form.useForm<{ text: string }>();
  return (
    <Card title={t('resident.notices.object')} styles={{ body: { padding: 16 } }}>
      <Typography.Paragraph type="secondary">
        {t('resident.notices.objectUntil', { date: n.objectionUntil })}
      </Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={async (v) => {
          try {
            await object.mutateAsync(v.text);
            notify.ok(t('resident.notices.objectSent'));
            form.resetFields();
          } catch (e) {
            notify.fail(e, form);
          }
        }}
      >
        <Form.Item
          name="text"
          label={t('resident.notices.objectText')}
          rules={[{ required: true, min: 5, max: 1000 }]}
        >
          <Input.TextArea
            autoSize={{ minRows: 3 }}
            maxLength={1000}
            style={{ fontSize: 16 }}
            data-testid="objection-text"
          />
        </Form.Item>
        <Button
          type="primary"
          htmlType="submit"
          size="large"
          block
          loading={object.isPending}
          data-testid="objection-send"
        >
          {t('resident.notices.object')}
        </Button>
      </Form>
    </Card>
  );
}

export default ResidentNoticePage;
