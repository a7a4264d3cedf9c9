import {
  ArrowLeftOutlined,
  CloseCircleOutlined,
  DownloadOutlined,
  ExclamationCircleOutlined,
  InboxOutlined,
  ReloadOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Form,
  Progress,
  Result,
  Row,
  Select,
  Space,
  Statistic,
  Steps,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { RESIDENCE_TYPES } from '../../../contract/codes.js';
import { IMPORT_FIELDS } from '../../../contract/registry.js';
import { api, download } from '../../app/api.js';
import { useT } from '../../app/i18n.js';
import { fmtTime } from '../../app/time.js';
import { ErrorState, emptyText, PageHeader, useIsMobile, useNotify } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import {
  type ImportJob,
  type ImportPreview,
  isRunning,
  type ResidenceType,
  registryKeys,
  useImportJob,
  useImports,
} from './queries.js';
import { fieldLabel, useCodes } from './shared.js';

type ImportField = (typeof IMPORT_FIELDS)[number];
type Mapping = Record<string, ImportField | null>;
type SampleRow = Record<string, string | null> & { __row: string };

const ACCEPT = '.xlsx,.csv';
const MAX_MB = 30;
const MAX_BYTES = MAX_MB * 1024 * 1024;

function JobStatusTag({ status }: { status: ImportJob['status'] }) {
  const t = useT();
  const color = {
    preview: 'default',
    queued: 'processing',
    running: 'processing',
    done: 'success',
    failed: 'error',
  }[status];
  return <Tag color={color}>{t(`import.status.${status}`)}</Tag>;
}

// —— step 1 ——

function UploadStep({ onPreview }: { onPreview: (p: ImportPreview) => void }) {
  const t = useT();
  const { fail, message } = useNotify();
  const [busy, setBusy] = useState(false);
  const [fileName, setFileName] = useState<string | null>(null);

  const send = async (file: File) => {
    if (!/\.(xlsx|csv)$/i.test(file.name)) {
      message.error(t('import.badType'));
      return;
    }
    if (file.size > MAX_BYTES) {
      message.error(t('import.tooLarge', { n: MAX_MB }));
      return;
    }
    setFileName(file.name);
    setBusy(true);
    try {
      const fd = new FormData();
      fd.append('file', file, file.name);
      onPreview(await api.post<ImportPreview>('/api/people/import', fd));
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="import-dropzone">
      <Upload.Dragger
        accept={ACCEPT}
        multiple={false}
        showUploadList={false}
        disabled={busy}
        beforeUpload={(file) => {
          void send(file);
          return false;
        }}
        data-testid="import-upload"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{busy ? t('import.uploading') : t('import.drop')}</p>
        <p className="ant-upload-hint">{t('import.dropHint')}</p>
        {fileName ? (
          <p data-testid="import-file-name">
            <Typography.Text strong>{fileName}</Typography.Text>
          </p>
        ) : null}
      </Upload.Dragger>
      <Alert type="info" showIcon title={t('import.templateHint')} />
    </Space>
  );
}

// —— step 2 ——

interface MapValues {
  areaId?: number | null;
  residenceType: ResidenceType;
}

function MappingStep({
  preview,
  onBack,
  onStarted,
}: {
  preview: ImportPreview;
  onBack: () => void;
  onStarted: (job: ImportJob) => void;
}) {
  const t = useT();
  const codes = useCodes();
  const mobile = useIsMobile();
  const { fail } = useNotify();
  const [form] = Form.useForm<MapValues>();
  const [busy, setBusy] = useState(false);
  const [mapping, setMapping] = useState<Mapping>(() =>
    Object.fromEntries(preview.columns.map((c) => [String(c.index), c.field])),
  );

  const used = Object.values(mapping).filter((f): f is ImportField => f !== null);
  const duplicates = new Set(used.filter((f, i) => used.indexOf(f) !== i));
  const missingName = !used.includes('name');
  const fieldOptions = IMPORT_FIELDS.map((f) => ({ value: f, label: fieldLabel(t, f) }));

  const sampleRows = useMemo<SampleRow[]>(
    () => preview.sample.map((r, i) => ({ ...r, __row: String(i) })),
    [preview.sample],
  );
  const cell = (row: Record<string, string | null>, col: ImportPreview['columns'][number]) =>
    row[String(col.index)] ?? row[col.header] ?? '';

  const onFinish = async (v: MapValues) => {
    if (missingName || duplicates.size > 0) return;
    setBusy(true);
    try {
      const job = await api.post<ImportJob>(`/api/imports/${preview.id}/confirm`, {
        mapping,
        areaId: v.areaId,
        residenceType: v.residenceType,
      });
      onStarted(job);
    } catch (e) {
      fail(e, form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Text type="secondary">
        {t('import.previewOf', { name: preview.fileName, n: preview.total, row: preview.headerRow })}
      </Typography.Text>
      {preview.skipped.length > 0 ? (
        <Alert
          type="info"
          showIcon
          data-testid="import-skipped"
          title={t('sheets.import.skipped', {
            n: preview.skipped.length,
            rows: preview.skipped.slice(0, 20).join('、'),
          })}
        />
      ) : null}
      {missingName ? <Alert type="error" showIcon title={t('import.needName')} /> : null}
      {duplicates.size > 0 ? (
        <Alert
          type="error"
          showIcon
          title={t('import.duplicate', { fields: [...duplicates].map((f) => fieldLabel(t, f)).join('、') })}
        />
      ) : null}
      <Table
        rowKey="index"
        size="small"
        pagination={false}
        dataSource={preview.columns}
        scroll={{ x: 'max-content' }}
        data-testid="import-columns"
        columns={[
          {
            title: t('import.column'),
            key: 'header',
            render: (_, c) => (
              <span>
                <Typography.Text type="secondary">{c.index + 1}. </Typography.Text>
                <Typography.Text strong>{c.header || t('import.noHeader')}</Typography.Text>
              </span>
            ),
          },
          {
            title: t('import.field'),
            key: 'field',
            render: (_, c) => {
              const f = mapping[String(c.index)] ?? null;
              return (
                <Select
                  style={{ width: mobile ? 150 : 200 }}
                  allowClear
                  placeholder={t('import.ignore')}
                  value={f ?? undefined}
                  status={f && duplicates.has(f) ? 'error' : undefined}
                  onChange={(v) =>
                    setMapping((m) => ({ ...m, [String(c.index)]: (v as ImportField) ?? null }))
                  }
                  options={fieldOptions}
                  data-testid={`import-map-${c.index}`}
                />
              );
            },
          },
          {
            title: t('import.samples'),
            key: 'sample',
            render: (_, c) => (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {preview.sample
                  .slice(0, 3)
                  .map((r) => cell(r, c))
                  .filter(Boolean)
                  .join(' ｜ ') || '—'}
              </Typography.Text>
            ),
          },
        ]}
      />
      <Card size="small" title={t('import.sampleRows')}>
        <Table
          rowKey="__row"
          size="small"
          pagination={false}
          dataSource={sampleRows}
          scroll={{ x: 'max-content' }}
          data-testid="import-sample"
          columns={preview.columns.map((c) => {
            const f = mapping[String(c.index)];
            return {
              key: String(c.index),
              title: (
                <div>
                  <div>{c.header}</div>
                  <Typography.Text
                    type={f ? 'success' : 'secondary'}
                    style={{ fontSize: 12, fontWeight: 'normal' }}
                  >
                    {f ? `→ ${fieldLabel(t, f)}` : t('import.ignore')}
                  </Typography.Text>
                </div>
              ),
              render: (_: unknown, r: SampleRow) => cell(r, c) || '—',
            };
          })}
        />
      </Card>
      <Form<MapValues>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        initialValues={{ residenceType: 'resident' }}
      >
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Form.Item
              name="areaId"
              label={t('import.area')}
              extra={t('import.areaHint')}
              rules={[{ required: true, message: t('form.required') }]}
            >
              <AreaTreeSelect data-testid="import-area" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="residenceType"
              label={t('import.residenceType')}
              extra={t('import.residenceTypeHint')}
            >
              <Select options={codes.options(RESIDENCE_TYPES)} data-testid="import-residence-type" />
            </Form.Item>
          </Col>
        </Row>
        <Space wrap>
          <Button onClick={onBack}>{t('import.back')}</Button>
          <Button
            type="primary"
            htmlType="submit"
            loading={busy}
            disabled={missingName || duplicates.size > 0}
            data-testid="import-confirm"
          >
            {t('import.confirm', { n: preview.total })}
          </Button>
        </Space>
      </Form>
    </Space>
  );
}

// —— step 3 ——

export function JobView({ jobId, onRestart }: { jobId: number; onRestart: () => void }) {
  const t = useT();
  const qc = useQueryClient();
  const job = useImportJob(jobId);
  const j = job.data;

  // the list of recent imports shows the finished state too
  const finished = j && !isRunning(j);
  useEffect(() => {
    if (finished) void qc.invalidateQueries({ queryKey: [...registryKeys.imports, 'list'] });
  }, [finished, qc]);

  if (job.error && !j) return <ErrorState error={job.error} onRetry={() => void job.refetch()} />;
  if (!j) return <Progress percent={0} status="active" />;

  const percent = j.total > 0 ? Math.floor((j.processed / j.total) * 100) : 0;

  if (j.status === 'preview') {
    return (
      <Result
        status="info"
        title={t('import.notConfirmed')}
        subTitle={j.fileName}
        extra={
          <Button type="primary" icon={<ReloadOutlined />} onClick={onRestart}>
            {t('import.again')}
          </Button>
        }
      />
    );
  }

  if (isRunning(j)) {
    return (
      <div style={{ padding: '24px 0', maxWidth: 560 }} data-testid="import-progress">
        <Typography.Paragraph>
          {j.status === 'queued' ? t('import.queued') : t('import.running', { name: j.fileName })}
        </Typography.Paragraph>
        <Progress percent={percent} status="active" />
        <Typography.Text type="secondary">
          {t('import.processed', { done: j.processed, total: j.total })}
        </Typography.Text>
      </div>
    );
  }

  return <JobResult j={j} onRestart={onRestart} />;
}

/**
 * A finished import as every ledger's import page shows it: the outcome, the counts, the total rows
 * skipped, the rows' errors and warnings, and the error sheet to fix and import again.
 */
export function JobResult({
  j,
  onRestart,
  extra,
}: {
  j: ImportJob;
  onRestart: () => void;
  extra?: ReactNode;
}) {
  const t = useT();
  const mobile = useIsMobile();
  const { fail, ok } = useNotify();
  const [downloading, setDownloading] = useState(false);
  const getErrors = async () => {
    setDownloading(true);
    try {
      const name = await download(`/api/imports/${j.id}/errors.xlsx`, undefined, `errors-${j.id}.xlsx`);
      ok(t('import.downloaded', { name }));
    } catch (e) {
      fail(e);
    } finally {
      setDownloading(false);
    }
  };
  const issues = [
    ...j.errors.map((e) => ({ ...e, level: 'error' as const })),
    ...j.warnings.map((e) => ({ ...e, level: 'warning' as const })),
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="import-result">
      <Result
        style={{ padding: mobile ? '8px 0' : undefined }}
        status={j.status === 'failed' ? 'error' : j.failed > 0 ? 'warning' : 'success'}
        title={
          j.status === 'failed'
            ? t('import.failedTitle')
            : j.failed > 0
              ? t('import.doneWithErrors', { n: j.failed })
              : t('import.doneTitle')
        }
        subTitle={`${j.fileName} · ${t('import.processed', { done: j.processed, total: j.total })}`}
        extra={
          <Space wrap style={{ justifyContent: 'center' }}>
            {j.failed > 0 ? (
              <Button
                icon={<DownloadOutlined />}
                loading={downloading}
                onClick={getErrors}
                data-testid="import-download-errors"
              >
                {t('import.downloadErrors')}
              </Button>
            ) : null}
            <Button type="primary" icon={<ReloadOutlined />} onClick={onRestart} data-testid="import-restart">
              {t('import.again')}
            </Button>
            {extra}
          </Space>
        }
      />
      <Row gutter={[12, 12]}>
        {(['created', 'updated', 'unchanged', 'failed'] as const).map((k) => (
          <Col xs={12} sm={6} key={k}>
            <Card size="small">
              <Statistic
                title={t(`import.count.${k}`)}
                value={j[k]}
                styles={{ content: k === 'failed' && j[k] > 0 ? { color: '#cf1322' } : undefined }}
              />
            </Card>
          </Col>
        ))}
      </Row>
      {j.skipped.length > 0 ? (
        <Alert
          type="info"
          showIcon
          data-testid="import-skipped"
          title={t('sheets.import.skipped', { n: j.skipped.length, rows: j.skipped.slice(0, 20).join('、') })}
        />
      ) : null}
      {j.failed > 0 ? <Alert type="info" showIcon title={t('import.fixHint')} /> : null}
      {issues.length > 0 ? (
        <Table
          rowKey={(e) => `${e.level}-${e.row}-${e.column}-${e.message}`}
          size="small"
          dataSource={issues}
          scroll={{ x: 'max-content' }}
          pagination={{ pageSize: 10, size: 'small', showSizeChanger: false, hideOnSinglePage: true }}
          data-testid="import-errors"
          columns={[
            { title: t('import.row'), dataIndex: 'row', width: 80 },
            { title: t('import.column'), dataIndex: 'column' },
            {
              title: t('import.message'),
              key: 'message',
              render: (_, e) => (
                <Space size={6}>
                  {e.level === 'error' ? (
                    <CloseCircleOutlined style={{ color: '#cf1322' }} />
                  ) : (
                    <ExclamationCircleOutlined style={{ color: '#d48806' }} />
                  )}
                  <span>{e.message}</span>
                </Space>
              ),
            },
          ]}
        />
      ) : null}
    </Space>
  );
}

/** The user's own imports of every ledger, newest first. */
export function RecentImports({ onOpen }: { onOpen: (id: number) => void }) {
  const t = useT();
  const [page, setPage] = useState(1);
  const list = useImports(page);
  if (list.error && !list.data)
    return <ErrorState error={list.error} onRetry={() => void list.refetch()} compact />;
  return (
    <Table<ImportJob>
      rowKey="id"
      size="small"
      loading={list.isFetching}
      dataSource={list.data?.items ?? []}
      scroll={{ x: 'max-content' }}
      data-testid="import-recent"
      locale={{ emptyText: emptyText(t('import.noRecent')) }}
      onRow={(j) => ({ onClick: () => onOpen(j.id), style: { cursor: 'pointer' } })}
      pagination={{
        current: page,
        pageSize: 10,
        total: list.data?.total ?? 0,
        size: 'small',
        showSizeChanger: false,
        onChange: setPage,
        hideOnSinglePage: true,
      }}
      columns={[
        {
          title: t('import.fileName'),
          dataIndex: 'fileName',
          render: (v: string) => <Typography.Link>{v}</Typography.Link>,
        },
        {
          title: t('sheets.import.kind'),
          dataIndex: 'kind',
          render: (k: ImportJob['kind']) => t(`sheets.import.kind.${k}`),
        },
        {
          title: t('import.at'),
          dataIndex: 'createdAt',
          render: (v: string) => (
            <span style={{ whiteSpace: 'nowrap' }}>{fmtTime(v, 'YYYY-MM-DD HH:mm')}</span>
          ),
        },
        {
          title: t('common.status'),
          dataIndex: 'status',
          render: (s: ImportJob['status']) => <JobStatusTag status={s} />,
        },
        {
          title: t('import.summary'),
          key: 'summary',
          render: (_, j) =>
            t('import.summaryText', {
              total: j.total,
              created: j.created,
              updated: j.updated,
              failed: j.failed,
            }),
        },
      ]}
    />
  );
}

export default function ImportPage() {
  const t = useT();
  const navigate = useNavigate();
  const mobile = useIsMobile();
  const [sp, setSp] = useSearchParams();
  const jobParam = Number(sp.get('job'));
  const jobId = Number.isInteger(jobParam) && jobParam > 0 ? jobParam : null;
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const step = jobId !== null ? 2 : preview ? 1 : 0;

  const openJob = (id: number | null) =>
    setSp(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (id === null) next.delete('job');
        else next.set('job', String(id));
        return next;
      },
      { replace: false },
    );
  const restart = () => {
    setPreview(null);
    openJob(null);
  };

  return (
    <>
      <PageHeader
        title={
          <Space size={8}>
            <Button
              type="text"
              icon={<ArrowLeftOutlined />}
              onClick={() => navigate('/people')}
              aria-label={t('common.back')}
            />
            <span>{t('import.title')}</span>
          </Space>
        }
      />
      <Card>
        <Steps
          current={step}
          size="small"
          orientation={mobile ? 'vertical' : 'horizontal'}
          style={{ marginBottom: 24 }}
          items={[{ title: t('import.step1') }, { title: t('import.step2') }, { title: t('import.step3') }]}
          data-testid="import-steps"
        />
        {step === 0 ? <UploadStep onPreview={setPreview} /> : null}
        {step === 1 && preview ? (
          <MappingStep
            preview={preview}
            onBack={() => setPreview(null)}
            onStarted={(job) => {
              setPreview(null);
              openJob(job.id);
            }}
          />
        ) : null}
        {step === 2 && jobId !== null ? <JobView jobId={jobId} onRestart={restart} /> : null}
      </Card>
      <Card title={t('import.recent')} size="small" style={{ marginTop: 16 }}>
        <RecentImports onOpen={(id) => openJob(id)} />
      </Card>
    </>
  );
}
