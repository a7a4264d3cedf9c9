import { PrinterOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useState } from 'react';
import { type TFunction, useT } from '../../app/i18n.js';
import { PrintHeader, PrintSignatures, PrintView } from '../../app/ledger/Ledger.js';
import type { Visit } from './queries.js';
import { fmtTime, methodLabel } from './shared.js';

function answer(t: TFunction, v: unknown): string {
  if (v === true) return t('common.yes');
  if (v === false) return t('common.no');
  if (v === undefined || v === null || v === '') return '';
  return String(v);
}

/** 走访记录表: who was visited, when, how, by whom, the rule's questions, findings, signatures. */
export function VisitRecordForm({ v }: { v: Visit }) {
  const t = useT();
  // The rule's questions as they were when visited; answers to questions since removed have no
  // label to print (their key is an internal code), so the form leaves them out.
  const answers = v.formFields.map((f) => ({ key: f.key, label: f.label, value: v.form[f.key] }));
  return (
    <div className="jy-print-sheet" data-testid={`visit-form-${v.id}`}>
      <table className="jy-print-form">
        <tbody>
          <tr>
            <th>{t('visit.person')}</th>
            <td>{v.personName}</td>
            <th>{t('visit.visitedAt')}</th>
            <td>{fmtTime(v.visitedAt)}</td>
          </tr>
          <tr>
            <th>{t('visit.methodLabel')}</th>
            <td>{methodLabel(t, v.method)}</td>
            <th>{t('visit.met')}</th>
            <td>{v.met}</td>
          </tr>
          <tr>
            <th>{t('visit.rule')}</th>
            <td>{v.ruleName ?? ''}</td>
            <th>{t('visit.visitor')}</th>
            <td>{v.visitor.name}</td>
          </tr>
          {answers.map((a) => (
            <tr key={a.key}>
              <th>{a.label}</th>
              <td colSpan={3}>{answer(t, a.value)}</td>
            </tr>
          ))}
          <tr>
            <th>{t('visit.findings')}</th>
            <td colSpan={3} className="jy-print-tall">
              {v.findings}
            </td>
          </tr>
          <tr>
            <th>{t('ledger.visit.cases')}</th>
            <td colSpan={3}>
              {v.cases.length
                ? v.cases.map((c) => `${c.no} ${c.title}`).join('\n')
                : t('ledger.visit.noCases')}
            </td>
          </tr>
        </tbody>
      </table>
      <PrintSignatures labels={[t('ledger.visit.signVisitor'), t('ledger.visit.signVisited')]} />
    </div>
  );
}

/** Visit record forms, one per page, each with the header. */
export function VisitForms({ visits, onClose }: { visits: Visit[]; onClose: () => void }) {
  const t = useT();
  const title = t('ledger.visit.formTitle');
  return (
    <PrintView title={title} onClose={onClose} header={false} testId="visit-print-view">
      {visits.map((v, i) => (
        <div key={v.id} className={i > 0 ? 'jy-print-break' : undefined}>
          <PrintHeader title={title} />
          <VisitRecordForm v={v} />
        </div>
      ))}
    </PrintView>
  );
}

/** The visit page's print button. */
export function VisitPrintButton({ v }: { v: Visit }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button icon={<PrinterOutlined />} onClick={() => setOpen(true)} data-testid="visit-print">
        {t('ledger.visit.printForm')}
      </Button>
      {open ? <VisitForms visits={[v]} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
