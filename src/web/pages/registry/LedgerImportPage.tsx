import { ArrowLeftOutlined, DownloadOutlined, InboxOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { uploadFile } from '../../app/api.js';
import { getLang, useT } from '../../app/i18n.js';
import { PageHeader, useNotify } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { JobView, RecentImports } from './ImportPage.js';
import { type ImportJob, registryKeys } from './queries.js';

/**
 * The import page of the organisations, houses and disputes ledgers (one request each, the
 * sheets engine's `readImport`): download the template, choose the area, drop the file; the
 * finished job (counts, rows' errors and warnings, skipped total rows, the error sheet) is shown
 * with the people import's pieces (`JobView`, `RecentImports`), and stays linkable by `?job=`.
 */
export type LedgerImportKind = 'organisations' | 'houses' | 'disputes';

const LIST: Record<LedgerImportKind, string> = {
  organisations: '/organisations',
  houses: '/houses',
  disputes: '/disputes',
};

const MAX_MB = 30;

/** GET a file (a template: no side effect) in the user's language and hand it to the browser. */
async function downloadGet(path: string, fallback: string): Promise<string> {
  const res = await fetch(path, {
    headers: { 'Accept-Language': getLang() },
    credentials: 'same-origin',
  });
  if (!res.ok) throw new Error(`${res.status}`);
  const blob = await res.blob();
  const cd = res.headers.get('content-disposition') ?? '';
  const m = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  const name = m ? decodeURIComponent(m[1]!) : fallback;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

export default function LedgerImportPage({ kind }: { kind: LedgerImportKind }) {
  const t = useT();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { fail, ok, message } = useNotify();
  const [sp, setSp] = useSearchParams();
  const jobParam = Number(sp.get('job'));
  const jobId = Number.isInteger(jobParam) && jobParam > 0 ? jobParam : null;
  const [areaId, setAreaId] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [fileName, setFileName] = useState<string | null>(null);

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

  const send = async (file: File) => {
    if (!areaId) {
      message.error(t('sheets.import.areaFirst'));
      return;
    }
    if (!/\.(xlsx|csv)$/i.test(file.name)) {
      message.error(t('import.badType'));
      return;
    }
    if (file.size > MAX_MB * 1024 * 1024) {
      message.error(t('import.tooLarge', { n: MAX_MB }));
      return;
    }
    setFileName(file.name);
    setBusy(true);
    try {
      const job = await uploadFile<ImportJob>(`/api/${kind}/import?areaId=${areaId}`, file);
      qc.setQueryData(registryKeys.importJob(job.id), job);
      void qc.invalidateQueries({ queryKey: registryKeys.imports });
      void qc.invalidateQueries({ queryKey: kind === 'disputes' ? ['cases'] : [kind] });
      openJob(job.id);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const template = async () => {
    try {
      const name = await downloadGet(`/api/${kind}/import/template`, `${kind}-template.xlsx`);
      ok(t('import.downloaded', { name }));
    } catch (e) {
      fail(e);
    }
  };

  return (
    <>
      <PageHeader
        title={
          <Space size={8}>
            <Button
              type="text"
              icon={<ArrowLeftOutlined />}
              onClick={() => navigate(LIST[kind])}
              aria-label={t('common.back')}
            />
            <span>{t(`sheets.import.title.${kind}`)}</span>
          </Space>
        }
      />
      <Card>
        {jobId !== null ? (
          <JobView jobId={jobId} onRestart={() => openJob(null)} />
        ) : (
          <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="ledger-import">
            <Alert type="info" showIcon title={t(`sheets.import.hint.${kind}`)} />
            <Space wrap>
              <Button
                icon={<DownloadOutlined />}
                onClick={() => void template()}
                data-testid="import-template"
              >
                {t('sheets.import.template')}
              </Button>
            </Space>
            <Form layout="vertical">
              <Form.Item label={t('sheets.import.area')} required style={{ maxWidth: 420, marginBottom: 0 }}>
                <AreaTreeSelect
                  value={areaId}
                  onChange={(v) => setAreaId(v ?? null)}
                  data-testid="import-area"
                />
              </Form.Item>
            </Form>
            <Upload.Dragger
              accept=".xlsx,.csv"
              multiple={false}
              showUploadList={false}
              disabled={busy || !areaId}
              beforeUpload={(file) => {
                void send(file);
                return false;
              }}
              data-testid="import-upload"
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">
                {busy ? t('import.uploading') : areaId ? t('import.drop') : t('sheets.import.areaFirst')}
              </p>
              <p className="ant-upload-hint">{t('sheets.import.templateHint')}</p>
              {fileName ? (
                <p>
                  <Typography.Text strong>{fileName}</Typography.Text>
                </p>
              ) : null}
            </Upload.Dragger>
          </Space>
        )}
        {jobId !== null ? (
          <div style={{ textAlign: 'center', marginTop: 8 }}>
            <Button icon={<UnorderedListOutlined />} onClick={() => navigate(LIST[kind])}>
              {t('sheets.import.openList')}
            </Button>
          </div>
        ) : null}
      </Card>
      <Card title={t('import.recent')} size="small" style={{ marginTop: 16 }}>
        <RecentImports onOpen={(id) => openJob(id)} />
      </Card>
    </>
  );
}
