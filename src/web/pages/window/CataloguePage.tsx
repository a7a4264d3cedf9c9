import { UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Input, Modal, Select, Space, Table, Tag, Upload } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { MATTER_METHODS } from '../../../contract/window.js';
import { errorMessage } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { useI18n, useT } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { PageHeader } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import {
  fetchMatters,
  type Matter,
  type MatterImportResult,
  useImportCatalogue,
  useMatters,
} from './queries.js';

type Status = 'effective' | 'future' | 'cancelled' | 'all';

/** 事项目录: the catalogue the window works with; import the county's sheet, export, print. */
export default function CataloguePage() {
  const t = useT();
  const { lang } = useI18n();
  const can = useCan();
  const navigate = useNavigate();
  const lp = useLedgerParams();
  const status = (lp.sp.get('status') as Status | null) ?? 'effective';
  const filters = { q: lp.sp.get('q') ?? undefined, status, sort: lp.sort };
  const list = useMatters({ ...filters, page: lp.page, pageSize: lp.pageSize });
  const [importing, setImporting] = useState(false);
  const li = lang === 'en' ? 1 : 0;

  const columns: LedgerColumn<Matter>[] = [
    { key: 'baseCode', title: t('window.col.code'), sort: 'baseCode', width: 110 },
    { key: 'name', title: t('window.col.name'), sort: 'name' },
    { key: 'department', title: t('window.col.department'), sort: 'department', width: 100 },
    {
      key: 'method',
      title: t('window.col.method'),
      width: 130,
      text: (m) => MATTER_METHODS[m.method as keyof typeof MATTER_METHODS]?.[li] ?? '—',
    },
    {
      key: 'promisedLimit',
      title: t('window.col.limit'),
      sort: 'promisedLimit',
      width: 150,
      text: (m) =>
        m.instant
          ? t('window.limit.instant')
          : t('window.limit.days', { promised: m.promisedLimit ?? 0, legal: m.legalLimit ?? 0 }),
    },
    {
      key: 'materials',
      title: t('window.col.materials'),
      width: 80,
      align: 'right',
      text: (m) => String(m.materials.length),
    },
    {
      key: 'version',
      title: t('window.col.version'),
      width: 90,
      text: (m) => t('window.version', { n: m.version }),
    },
    {
      key: 'status',
      title: t('window.catalogue.status'),
      width: 100,
      render: (m) => (
        <Tag color={m.status === 'effective' ? 'green' : 'default'}>{t(`window.status.${m.status}`)}</Tag>
      ),
      text: (m) => t(`window.status.${m.status}`),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('window.catalogue.title')}
        extra={
          can('window.manage') ? (
            <Button
              icon={<UploadOutlined />}
              onClick={() => setImporting(true)}
              data-testid="catalogue-import"
            >
              {t('window.import')}
            </Button>
          ) : null
        }
      />
      <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('window.catalogue.ceiling')} />
      <Ledger<Matter>
        id="window-matters"
        title={t('window.catalogue.ledger')}
        params={lp}
        query={list}
        columns={columns}
        rowKey={(m) => m.id}
        rowTestId={(m) => `matter-row-${m.baseCode}`}
        testId="matters-table"
        onOpen={(m) => navigate(`/window/matters/${m.id}`)}
        emptyText={t('window.catalogue.empty')}
        filters={[
          <Input.Search
            key="q"
            allowClear
            defaultValue={filters.q}
            placeholder={t('window.catalogue.search')}
            onSearch={(v) => lp.update({ q: v || undefined })}
            style={{ width: 220 }}
            data-testid="matters-search"
          />,
          <Select<Status>
            key="status"
            value={status}
            style={{ width: 130 }}
            onChange={(v) => lp.update({ status: v === 'effective' ? undefined : v })}
            options={(['effective', 'future', 'cancelled', 'all'] as const).map((s) => ({
              value: s,
              label: t(`window.status.${s}`),
            }))}
          />,
        ]}
        activeFilters={[filters.q, status !== 'effective' ? status : undefined].filter(Boolean).length}
        onReset={() => lp.update({ q: undefined, status: undefined })}
        exportTo={{ path: '/api/window/matters/export', body: filters, fileName: 'catalogue.xlsx' }}
        print={{ fetchAll: (size, p) => fetchMatters({ ...filters, page: p, pageSize: size }) }}
        card={{ title: (m) => m.name, fields: ['department', 'promisedLimit', 'status'] }}
      />
      {importing ? (
        <ImportModal onClose={() => setImporting(false)} onDone={() => void list.refetch()} />
      ) : null}
    </>
  );
}

function ImportModal({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [areaId, setAreaId] = useState<number | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<MatterImportResult | null>(null);
  const imp = useImportCatalogue();
  const run = (confirm: boolean) => {
    if (!file || !areaId) return;
    imp.mutate(
      { file, areaId, confirm },
      {
        onSuccess: (r) => {
          if (confirm) {
            void message.success(t('window.import.done', { created: r.created, versioned: r.versioned }));
            onDone();
            onClose();
          } else setPreview(r);
        },
        onError: (e) => void message.error(errorMessage(e)),
      },
    );
  };
  return (
    <Modal
      open
      width={720}
      title={t('window.import')}
      onCancel={onClose}
      footer={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            disabled={!file || !areaId}
            loading={imp.isPending && !preview}
            onClick={() => run(false)}
            data-testid="import-preview"
          >
            {t('window.import.previewButton')}
          </Button>
          <Button
            type="primary"
            disabled={!preview || preview.errors.length > 0}
            loading={imp.isPending && !!preview}
            onClick={() => run(true)}
            data-testid="import-confirm"
          >
            {t('window.import.confirm')}
          </Button>
        </Space>
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <AreaTreeSelect
          value={areaId}
          onChange={(v) => {
            setAreaId(v ?? null);
            setPreview(null);
          }}
          placeholder={t('window.import.area')}
        />
        <Upload
          accept=".xlsx,.csv"
          maxCount={1}
          beforeUpload={(f) => {
            setFile(f);
            setPreview(null);
            return false;
          }}
          onRemove={() => {
            setFile(null);
            setPreview(null);
          }}
        >
          <Button icon={<UploadOutlined />}>{t('window.import')}</Button>
        </Upload>
        {preview ? (
          <>
            <Alert
              type={preview.errors.length ? 'warning' : 'success'}
              message={t('window.import.preview', {
                created: preview.created,
                versioned: preview.versioned,
                unchanged: preview.unchanged,
                errors: preview.errors.length,
              })}
              description={preview.errors.length ? t('window.import.fixFirst') : undefined}
            />
            {preview.errors.length ? (
              <Table
                size="small"
                pagination={false}
                rowKey={(e) => `${e.row}-${e.column}`}
                dataSource={preview.errors}
                columns={[
                  { title: '#', render: (_, e) => t('window.import.row', { row: e.row }), width: 90 },
                  { title: t('window.col.name'), dataIndex: 'column', width: 140 },
                  { title: '', dataIndex: 'message' },
                ]}
              />
            ) : (
              <Table
                size="small"
                pagination={{ pageSize: 8 }}
                rowKey="row"
                dataSource={preview.rows}
                columns={[
                  { title: t('window.col.code'), dataIndex: 'baseCode', width: 110 },
                  { title: t('window.col.name'), dataIndex: 'name' },
                  { title: '', width: 100, render: (_, r) => t(`window.import.action.${r.action}`) },
                ]}
              />
            )}
          </>
        ) : null}
      </Space>
    </Modal>
  );
}
