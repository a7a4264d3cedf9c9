import { ArrowLeftOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Row,
  Space,
  Table,
  Timeline,
  Typography,
  Upload,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { uploadFile } from '../../app/api.js';
import { useT } from '../../app/i18n.js';
import { PageHeader, QueryState, useNotify } from '../../app/ui.js';
import { AttachmentList } from '../cases/shared.js';
import { type Publication, useNotice, useNoticeAction } from './queries.js';
import { audienceText, channelsText, countingText, fmtTime, StatusTag, useL } from './shared.js';

/** One publication: its frozen snapshot, periods, approvals, versions, board photos and the next step. */
export default function NoticePage() {
  const t = useT();
  const id = Number(useParams().id);
  const q = useNotice(id);
  const navigate = useNavigate();
  return (
    <>
      <PageHeader
        title={q.data?.title ?? t('notices.title')}
        extra={
          <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/notices')}>
            {t('notices.detail.back')}
          </Button>
        }
      />
      <QueryState query={q}>{(p) => <Detail p={p} />}</QueryState>
    </>
  );
}

type Dialog = null | 'return' | 'correct' | 'takeDown' | 'photo';

function Detail({ p }: { p: Publication }) {
  const t = useT();
  const l = useL();
  const notify = useNotify();
  const navigate = useNavigate();
  const act = useNoticeAction(p.id);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [form] = Form.useForm();
  const can = (a: Publication['abilities'][number]) => p.abilities.includes(a);
  const early = p.earliestTakeDown ? new Date(p.earliestTakeDown).getTime() > Date.now() : false;

  const run = async (step: string, body: Record<string, unknown>, after?: (r: { id: number }) => void) => {
    try {
      const r = await act.mutateAsync({ step, body });
      notify.ok(t('notices.action.done'));
      setDialog(null);
      form.resetFields();
      after?.(r);
    } catch (e) {
      notify.fail(e, dialog ? form : undefined);
    }
  };

  const actions = (
    <Space wrap>
      {can('submit') ? (
        <Button
          type="primary"
          onClick={() => run('submit', { version: p.version })}
          data-testid="notice-submit"
        >
          {t('notices.action.submit')}
        </Button>
      ) : null}
      {can('decide') ? (
        <>
          <Button
            type="primary"
            onClick={() => run('decide', { version: p.version, approved: true })}
            data-testid="notice-approve"
          >
            {t('notices.action.approve')}
          </Button>
          <Button onClick={() => setDialog('return')}>{t('notices.action.return')}</Button>
        </>
      ) : null}
      {can('publish') ? (
        <Popconfirm
          title={t('notices.action.confirmPublish')}
          onConfirm={() => run('publish', { version: p.version })}
        >
          <Button type="primary" data-testid="notice-publish">
            {t('notices.action.publish')}
          </Button>
        </Popconfirm>
      ) : null}
      {can('correct') ? (
        <Button
          onClick={() => {
            form.setFieldsValue({ title: p.title, body: p.body });
            setDialog('correct');
          }}
          data-testid="notice-correct"
        >
          {t('notices.action.correct')}
        </Button>
      ) : null}
      {can('take_down') ? (
        <Button danger onClick={() => setDialog('takeDown')} data-testid="notice-takedown">
          {t('notices.action.takeDown')}
        </Button>
      ) : null}
      {can('photo') ? (
        <Button icon={<UploadOutlined />} onClick={() => setDialog('photo')} data-testid="notice-photo">
          {t('notices.action.photo')}
        </Button>
      ) : null}
    </Space>
  );

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={16}>
        <Card
          title={
            <Space wrap>
              <StatusTag status={p.status} />
              <span>{p.kindName}</span>
              {p.versionNo > 1 ? <span>{t('notices.detail.versionN', { n: p.versionNo })}</span> : null}
            </Space>
          }
          extra={actions}
          data-testid="notice-detail"
        >
          {p.nextStep ? (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 12 }}
              message={t('notices.detail.nextStep', { step: p.nextStep })}
            />
          ) : null}
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="notice-body-text">
            {p.body}
          </Typography.Paragraph>
          {p.list.length ? (
            <>
              <Typography.Title level={5}>{t('notices.detail.list')}</Typography.Title>
              <Table
                size="small"
                pagination={false}
                rowKey={(_, i) => String(i)}
                dataSource={p.list}
                scroll={{ x: true }}
                columns={[
                  { key: 'name', dataIndex: 'name', title: t('notices.form.listName') },
                  {
                    key: 'idNumber',
                    dataIndex: 'idNumber',
                    title: t('notices.form.listId'),
                    render: (v) => v ?? '—',
                  },
                  {
                    key: 'phone',
                    dataIndex: 'phone',
                    title: t('notices.form.listPhone'),
                    render: (v) => v ?? '—',
                  },
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
          {p.attachments.length ? (
            <>
              <Typography.Title level={5}>{t('notices.detail.attachments')}</Typography.Title>
              <AttachmentList items={p.attachments} />
            </>
          ) : null}
        </Card>
        <Card title={t('notices.detail.photos')} style={{ marginTop: 16 }}>
          {p.photos.length ? (
            <Space wrap>
              {p.photos.map((ph) => (
                <div key={ph.id}>
                  <AttachmentList items={[ph]} size={96} />
                  <div>
                    {ph.takenOn}
                    {ph.place ? ` · ${ph.place}` : ''}
                  </div>
                </div>
              ))}
            </Space>
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notices.detail.noPhotos')} />
          )}
        </Card>
      </Col>
      <Col xs={24} lg={8}>
        <Card>
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('notices.col.area')}>{p.areaName}</Descriptions.Item>
            <Descriptions.Item label={t('notices.detail.audience')}>
              {audienceText(p.audience, l)}
            </Descriptions.Item>
            <Descriptions.Item label={t('notices.detail.channels')}>
              {channelsText(p.channels, l)}
            </Descriptions.Item>
            <Descriptions.Item label={t('notices.col.publishedAt')}>
              {fmtTime(p.publishedAt)}
            </Descriptions.Item>
            <Descriptions.Item label={t('notices.detail.period')}>
              <span data-testid="notice-period">
                {t('notices.detail.periodText', {
                  days: p.displayDays,
                  counting: countingText(p.counting, l),
                  until: p.displayUntil ?? '—',
                })}
              </span>
            </Descriptions.Item>
            {p.objectionDays ? (
              <Descriptions.Item label={t('notices.col.objectionUntil')}>
                {p.objectionUntil ?? '—'}
                {p.objections ? (
                  <>
                    {' · '}
                    <Link to="/cases?type=pub_objection&box=all">
                      {t('notices.detail.objections', { n: p.objections })}
                    </Link>
                  </>
                ) : null}
              </Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t('notices.col.reads')}>
              {t('notices.detail.reads', { n: p.reads })}
            </Descriptions.Item>
            {p.earliestTakeDown ? (
              <Descriptions.Item label={t('notices.detail.earliest')}>
                {fmtTime(p.earliestTakeDown)}
              </Descriptions.Item>
            ) : null}
            {p.takedownReason ? (
              <Descriptions.Item label={t('notices.detail.reason')}>{p.takedownReason}</Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t('notices.col.archive')}>
              {p.archiveYear ? `${p.archiveClass} ${p.archiveYear}` : p.archiveClass}
            </Descriptions.Item>
            {p.contentHash ? (
              <Descriptions.Item label={t('notices.detail.hash')}>
                <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>
                  {p.contentHash.slice(0, 16)}
                </Typography.Text>
              </Descriptions.Item>
            ) : null}
          </Descriptions>
        </Card>
        <Card title={t('notices.detail.versions')} style={{ marginTop: 16 }}>
          <Space direction="vertical">
            {p.versions.map((v) => (
              <Space key={v.id}>
                {v.id === p.id ? (
                  <strong>{t('notices.detail.versionN', { n: v.versionNo })}</strong>
                ) : (
                  <Link to={`/notices/${v.id}`}>{t('notices.detail.versionN', { n: v.versionNo })}</Link>
                )}
                <StatusTag status={v.status} />
              </Space>
            ))}
          </Space>
        </Card>
        <Card title={t('notices.detail.steps')} style={{ marginTop: 16 }}>
          {p.steps.length ? (
            <Timeline
              items={p.steps.map((s) => ({
                color: s.decision === 'returned' ? 'red' : 'green',
                children: (
                  <>
                    <div>
                      {s.stepName} · {s.actor}
                    </div>
                    <div style={{ color: '#888' }}>{fmtTime(s.at)}</div>
                    {s.opinion ? <div>{s.opinion}</div> : null}
                  </>
                ),
              }))}
            />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notices.detail.noSteps')} />
          )}
        </Card>
      </Col>

      <Modal
        open={dialog !== null}
        onCancel={() => setDialog(null)}
        onOk={() => form.submit()}
        confirmLoading={act.isPending}
        destroyOnHidden
        title={
          dialog === 'return'
            ? t('notices.action.return')
            : dialog === 'correct'
              ? t('notices.action.correct')
              : dialog === 'takeDown'
                ? t('notices.action.takeDown')
                : t('notices.action.photo')
        }
      >
        <Form
          form={form}
          layout="vertical"
          data-testid="notice-dialog"
          onFinish={(v) => {
            if (dialog === 'return')
              void run('decide', { version: p.version, approved: false, opinion: v.opinion });
            if (dialog === 'correct')
              void run('correct', { title: v.title, body: v.body, reason: v.reason }, (r) =>
                navigate(`/notices/${r.id}`),
              );
            if (dialog === 'takeDown') void run('take-down', { version: p.version, reason: v.reason });
            if (dialog === 'photo')
              void run('photos', {
                attachmentId: v.attachmentId,
                takenOn: v.takenOn.format('YYYY-MM-DD'),
                place: v.place || undefined,
              });
          }}
        >
          {dialog === 'return' ? (
            <Form.Item name="opinion" label={t('notices.action.opinion')} rules={[{ required: true }]}>
              <Input.TextArea maxLength={500} />
            </Form.Item>
          ) : null}
          {dialog === 'correct' ? (
            <>
              <Alert
                type="info"
                showIcon
                message={t('notices.action.correctHint')}
                style={{ marginBottom: 12 }}
              />
              <Form.Item name="title" label={t('notices.form.heading')} rules={[{ required: true, min: 2 }]}>
                <Input maxLength={100} data-testid="correct-title" />
              </Form.Item>
              <Form.Item name="body" label={t('notices.form.body')} rules={[{ required: true, min: 2 }]}>
                <Input.TextArea autoSize={{ minRows: 4 }} data-testid="correct-body" />
              </Form.Item>
              <Form.Item
                name="reason"
                label={t('notices.action.reason')}
                rules={[{ required: true, min: 2 }]}
              >
                <Input maxLength={200} data-testid="correct-reason" />
              </Form.Item>
            </>
          ) : null}
          {dialog === 'takeDown' ? (
            <>
              {early && p.earliestTakeDown ? (
                <Alert
                  type="warning"
                  showIcon
                  style={{ marginBottom: 12 }}
                  message={t('notices.action.takeDownHint', { at: fmtTime(p.earliestTakeDown) })}
                />
              ) : null}
              <Form.Item
                name="reason"
                label={t('notices.action.reason')}
                rules={[{ required: true, min: 2 }]}
              >
                <Input maxLength={200} data-testid="takedown-reason" />
              </Form.Item>
            </>
          ) : null}
          {dialog === 'photo' ? (
            <>
              <Form.Item name="attachmentId" label={t('notices.action.file')} rules={[{ required: true }]}>
                <PhotoPicker />
              </Form.Item>
              <Form.Item
                name="takenOn"
                label={t('notices.action.takenOn')}
                rules={[{ required: true }]}
                initialValue={dayjs()}
              >
                <DatePicker />
              </Form.Item>
              <Form.Item name="place" label={t('notices.action.place')}>
                <Input maxLength={60} />
              </Form.Item>
            </>
          ) : null}
        </Form>
      </Modal>
    </Row>
  );
}

/** One photo uploaded through the files engine; its id is the field's value. */
function PhotoPicker({ value, onChange }: { value?: number; onChange?: (id: number) => void }) {
  const notify = useNotify();
  const t = useT();
  const [name, setName] = useState<string | null>(null);
  return (
    <Upload
      accept="image/jpeg,image/png,image/webp"
      showUploadList={false}
      customRequest={async ({ file }) => {
        try {
          const a = await uploadFile<{ id: number; name: string }>('/api/cases/attachments', file as Blob);
          setName(a.name);
          onChange?.(a.id);
        } catch (e) {
          notify.fail(e);
        }
      }}
    >
      <Button icon={<UploadOutlined />}>{value && name ? name : t('notices.action.file')}</Button>
    </Upload>
  );
}
