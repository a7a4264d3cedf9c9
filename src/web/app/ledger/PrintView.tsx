import { CloseOutlined, PrinterOutlined } from '@ant-design/icons';
import { Button, Space } from 'antd';
import { type ReactNode, useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useMe } from '../auth.js';
import { useT } from '../i18n.js';
import { fmtTime } from '../time.js';
import './ledger.css';

/**
 * A print view: an A4 preview over the page (a toolbar with 打印/关闭 on screen) that is the only
 * thing printed (`@media print` hides the app while it is open). `landscape` for wide ledgers.
 * The header is the area's name (the community's or street's), the title, the date and who printed.
 */
export function PrintView({
  title,
  area,
  landscape,
  onClose,
  children,
  meta,
  header = true,
  testId = 'print-view',
}: {
  title: string;
  /** The area named in the header; default: the areas of the user's roles. */
  area?: string;
  landscape?: boolean;
  onClose: () => void;
  children: ReactNode;
  /** Extra text on the date line (e.g. 共 120 条). */
  meta?: ReactNode;
  /** False when the children carry their own headers (several sheets, one per page). */
  header?: boolean;
  testId?: string;
}) {
  const t = useT();
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    document.body.classList.add('jy-printing');
    const prev = document.title;
    document.title = title;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close.current();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      document.body.classList.remove('jy-printing');
      document.title = prev;
      window.removeEventListener('keydown', onKey);
    };
  }, [title]);
  return createPortal(
    <div className={`jy-print${landscape ? ' jy-print-landscape' : ''}`} data-testid={testId}>
      <div className="jy-print-toolbar">
        <Space>
          <Button
            type="primary"
            icon={<PrinterOutlined />}
            onClick={() => window.print()}
            data-testid="print-go"
          >
            {t('ledger.print')}
          </Button>
          <Button icon={<CloseOutlined />} onClick={onClose} data-testid="print-close">
            {t('common.close')}
          </Button>
        </Space>
        <span className="jy-print-hint">{t('ledger.printHint')}</span>
      </div>
      <div className="jy-print-page">
        {header ? <PrintHeader title={title} area={area} meta={meta} /> : null}
        {children}
      </div>
    </div>,
    document.body,
  );
}

/** The header of every printed sheet: area name, title, date and who printed. */
export function PrintHeader({ title, area, meta }: { title: string; area?: string; meta?: ReactNode }) {
  const t = useT();
  const me = useMe().data;
  const areas = area ?? [...new Set(me?.roles.map((r) => r.areaName) ?? [])].join('、');
  return (
    <header className="jy-print-header">
      {areas ? <div className="jy-print-area">{areas}</div> : null}
      <h1 className="jy-print-title">{title}</h1>
      <div className="jy-print-meta">
        <span>{t('ledger.printedOn', { date: fmtTime(Date.now(), 'YYYY-MM-DD HH:mm') })}</span>
        {me ? <span>{t('ledger.printedBy', { name: me.user.displayName })}</span> : null}
        {meta ? <span>{meta}</span> : null}
      </div>
    </header>
  );
}

/** Signature lines at the foot of a printed form. */
export function PrintSignatures({ labels, columns = 2 }: { labels: string[]; columns?: 1 | 2 }) {
  const t = useT();
  return (
    <div className={`jy-print-signs${columns === 1 ? ' jy-print-signs-1' : ''}`}>
      {labels.map((l) => (
        <div key={l} className="jy-print-sign">
          <span>{l}</span>
          <span className="jy-print-sign-line" />
          <span>{t('ledger.signDate')}</span>
          <span className="jy-print-sign-date" />
        </div>
      ))}
    </div>
  );
}
