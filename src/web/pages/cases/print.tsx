import { PrinterOutlined } from '@ant-design/icons';
import { useQueries } from '@tanstack/react-query';
import { Button, Dropdown, Skeleton } from 'antd';
import { Fragment, useState } from 'react';
import {
  DISPUTE_OUTCOMES,
  DISPUTE_SCALES,
  MEDIATION_METHODS,
  PARTY_ROLES,
} from '../../../contract/case-codes.js';
import { api } from '../../app/api.js';
import { hasMessage, type TFunction, useT } from '../../app/i18n.js';
import { PrintHeader, PrintSignatures, PrintView } from '../../app/ledger/Ledger.js';
import { fmtTime } from '../../app/time.js';
import { ErrorState } from '../../app/ui.js';
import { type Case, caseKeys, type TimelineEntry } from './queries.js';
import { useCaseCodes, useCaseTypeName } from './shared.js';

/** Printed forms of a case: 办理单 (every type) and 调解协议书 (a dispute). A4, the community's header. */
export type CaseForm = 'sheet' | 'agreement';

const at = (v: string | null | undefined) => (v ? fmtTime(v, 'YYYY-MM-DD HH:mm') : '');

/** The community's header of a case's forms: its street and community (not the grid). */
const areaOf = (c: Case) => c.areaPathNames.slice(0, 2).join(' ') || c.areaName;

function kindLabel(t: TFunction, kind: string) {
  const key = `caseAction.${kind}`;
  if (hasMessage(key)) return t(key);
  const other = `caseKind.${kind}`;
  return hasMessage(other) ? t(other) : '';
}

/** What a timeline entry says, as plain text (the screen's lines without links and stars). */
function useEntryText() {
  const t = useT();
  const codes = useCaseCodes();
  return (e: TimelineEntry): string => {
    const d = e.data ?? {};
    const s = (k: string) => (typeof d[k] === 'string' || typeof d[k] === 'number' ? String(d[k]) : null);
    const out: string[] = [];
    const assignee =
      s('assigneeName') ?? s('assignee') ?? (d.assignee as { name?: string } | undefined)?.name ?? null;
    if (assignee) out.push(t('timeline.assignee', { name: assignee }));
    if (s('department')) out.push(t('timeline.department', { name: s('department') }));
    if (typeof d.passed === 'boolean') out.push(d.passed ? t('action.verifyPass') : t('action.verifyFail'));
    if (typeof d.approved === 'boolean') out.push(d.approved ? t('action.approve') : t('action.deny'));
    if (typeof d.rating === 'number') out.push(t('ledger.case.rating', { n: d.rating }));
    if (s('method')) out.push(`${t('mediation.method')}：${codes.label(MEDIATION_METHODS, s('method'))}`);
    if (s('outcome')) out.push(`${t('dispute.outcome')}：${codes.label(DISPUTE_OUTCOMES, s('outcome'))}`);
    if (s('agreement')) out.push(`${t('mediation.agreement')}：${s('agreement')}`);
    if (s('referredTo')) out.push(`${t('mediation.referredTo')}：${s('referredTo')}`);
    if (e.comment) out.push(e.comment);
    return out.join('；');
  };
}

/** The last entry of a kind (its data), newest last in the timeline. */
const lastOf = (tl: TimelineEntry[], ...kinds: string[]) =>
  [...tl].reverse().find((e) => kinds.includes(e.kind));

/** 办理单: the case, its timeline with who and when, the deadline, the result and signatures. */
export function CaseSheet({ c, timeline }: { c: Case; timeline: TimelineEntry[] }) {
  const t = useT();
  const typeName = useCaseTypeName();
  const codes = useCaseCodes();
  const text = useEntryText();
  const result = lastOf(timeline, 'verify', 'conclude', 'feedback', 'reject');
  return (
    <div className="jy-print-sheet" data-testid={`case-sheet-${c.id}`}>
      <div className="jy-print-no">
        {t('ledger.case.sheetNo')}：<span className="jy-mono">{c.no}</span>
      </div>
      <table className="jy-print-form">
        <tbody>
          <tr>
            <th>{t('case.type')}</th>
            <td>{typeName(c.type)}</td>
            <th>{t('case.category')}</th>
            <td>{c.categoryName}</td>
          </tr>
          <tr>
            <th>{t('case.title')}</th>
            <td colSpan={3}>{c.title}</td>
          </tr>
          <tr>
            <th>{t('ledger.case.reporter')}</th>
            <td>{c.contactName ?? c.reporter?.name ?? ''}</td>
            <th>{t('ledger.case.phone')}</th>
            <td>{c.contactPhone ?? ''}</td>
          </tr>
          <tr>
            <th>{t('ledger.case.place')}</th>
            <td colSpan={3}>{[c.areaPathNames.join(' / '), c.address].filter(Boolean).join('，')}</td>
          </tr>
          <tr>
            <th>{t('case.reportedAt')}</th>
            <td>{at(c.reportedAt)}</td>
            <th>{t('case.urgency')}</th>
            <td>{t(`urgency.${c.urgency}`)}</td>
          </tr>
          <tr>
            <th>{t('ledger.case.description')}</th>
            <td colSpan={3} className="jy-print-tall">
              {c.description}
            </td>
          </tr>
          {c.type === 'dispute' && c.parties.length > 0 ? (
            <tr>
              <th>{t('ledger.agreement.parties')}</th>
              <td colSpan={3}>
                {c.parties
                  .map(
                    (p) => `${codes.label(PARTY_ROLES, p.role)}：${p.name}${p.phone ? `（${p.phone}）` : ''}`,
                  )
                  .join('；')}
              </td>
            </tr>
          ) : null}
          <tr>
            <th>{t('ledger.case.handler')}</th>
            <td>{c.assignee?.name ?? ''}</td>
            <th>{t('ledger.case.dueAt')}</th>
            <td>{at(c.dueAt ?? c.stageDueAt)}</td>
          </tr>
        </tbody>
      </table>
      <h3 className="jy-print-subtitle">{t('ledger.case.timeline')}</h3>
      <table className="jy-print-table jy-print-timeline">
        <thead>
          <tr>
            <th style={{ width: '22%' }}>{t('ledger.case.when')}</th>
            <th style={{ width: '14%' }}>{t('ledger.case.step')}</th>
            <th style={{ width: '14%' }}>{t('ledger.case.who')}</th>
            <th>{t('ledger.case.opinion')}</th>
          </tr>
        </thead>
        <tbody>
          {timeline.map((e) => (
            <tr key={e.id}>
              <td>{at(e.at)}</td>
              <td>{kindLabel(t, e.kind)}</td>
              <td>{e.actor}</td>
              <td>{text(e)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="jy-print-form" style={{ marginTop: 8 }}>
        <tbody>
          <tr>
            <th>{t('ledger.case.result')}</th>
            <td className="jy-print-tall">
              {[
                t('ledger.case.stateNow', { state: t(`caseState.${c.state}`) }),
                c.closedAt ? t('ledger.case.closedAt', { at: at(c.closedAt) }) : '',
              ]
                .filter(Boolean)
                .join('，')}
              {result ? `\n${text(result)}` : ''}
            </td>
          </tr>
        </tbody>
      </table>
      <PrintSignatures
        labels={[t('ledger.case.signHandler'), t('ledger.case.signVerifier'), t('ledger.case.signHead')]}
      />
    </div>
  );
}

/** 人民调解协议书 in the standard form: parties, facts, agreed terms, performance, signatures. */
export function MediationAgreement({ c, timeline }: { c: Case; timeline: TimelineEntry[] }) {
  const t = useT();
  const codes = useCaseCodes();
  const concluded = lastOf(timeline, 'conclude');
  const mediated = lastOf(timeline, 'mediate');
  const d = (concluded?.data ?? {}) as Record<string, unknown>;
  const agreement = typeof d.agreement === 'string' ? d.agreement : '';
  const scale = (c.detail as { scale?: string }).scale;
  const mediator = mediated?.actor ?? concluded?.actor ?? c.assignee?.name ?? '';
  return (
    <div className="jy-print-sheet jy-print-doc" data-testid={`agreement-${c.id}`}>
      <div className="jy-print-no">
        {t('ledger.agreement.no')}：<span className="jy-mono">{c.no}</span>
      </div>
      <h2>{t('ledger.agreement.parties')}</h2>
      {c.parties.length === 0 ? <p>—</p> : null}
      {c.parties.map((p) => (
        <p key={p.id}>
          {codes.label(PARTY_ROLES, p.role)}：{p.name}
          {p.idNumber ? `，${t('ledger.agreement.idNumber')} ${p.idNumber}` : ''}
          {p.phone ? `，${t('ledger.case.phone')} ${p.phone}` : ''}
          {p.address ? `，${t('ledger.agreement.address')} ${p.address}` : ''}
        </p>
      ))}
      <h2>{t('ledger.agreement.facts')}</h2>
      <p>
        {scale
          ? t('ledger.agreement.factsLeadScale', {
              type: c.categoryName,
              scale: codes.label(DISPUTE_SCALES, scale),
            })
          : t('ledger.agreement.factsLead', { type: c.categoryName })}
      </p>
      <p>{c.description || c.title}</p>
      <h2>{t('ledger.agreement.terms')}</h2>
      <p>{agreement || t('ledger.agreement.noTerms')}</p>
      <h2>{t('ledger.agreement.performance')}</h2>
      <p>{t('ledger.agreement.performanceText')}</p>
      <p>{t('ledger.agreement.copies', { n: c.parties.length + 1 })}</p>
      <PrintSignatures
        columns={1}
        labels={[
          ...c.parties.map(
            (p) => `${codes.label(PARTY_ROLES, p.role)}（${t('ledger.agreement.signOrPrint')}）`,
          ),
          t('ledger.agreement.mediator', { name: mediator }),
          t('ledger.agreement.committee'),
        ]}
      />
      <p className="jy-print-date">
        {concluded ? fmtTime(concluded.at, 'YYYY 年 M 月 D 日') : t('ledger.agreement.blankDate')}
      </p>
    </div>
  );
}

/** Load cases and their timelines, then print their forms (one per page). */
export function CaseSheets({
  ids,
  form = 'sheet',
  onClose,
}: {
  ids: number[];
  form?: CaseForm;
  onClose: () => void;
}) {
  const t = useT();
  const cases = useQueries({
    queries: ids.map((id) => ({
      queryKey: caseKeys.detail(id),
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api.get<Case>(`/api/cases/${id}`, undefined, { signal }),
    })),
  });
  const timelines = useQueries({
    queries: ids.map((id) => ({
      queryKey: caseKeys.timeline(id),
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api.get<TimelineEntry[]>(`/api/cases/${id}/timeline`, undefined, { signal }),
    })),
  });
  const failed = [...cases, ...timelines].find((q) => q.error);
  const ready = cases.every((q) => q.data) && timelines.every((q) => q.data);
  const title = form === 'agreement' ? t('ledger.agreement.title') : t('ledger.case.sheetTitle');
  return (
    <PrintView title={title} onClose={onClose} header={false} testId="case-print-view">
      {failed ? (
        <ErrorState error={failed.error} onRetry={() => void failed.refetch()} compact />
      ) : !ready ? (
        <Skeleton active paragraph={{ rows: 10 }} />
      ) : (
        cases.map((q, i) => {
          const c = q.data!;
          const tl = timelines[i]!.data!;
          return (
            <Fragment key={c.id}>
              <div className={i > 0 ? 'jy-print-break' : undefined}>
                <PrintHeader title={title} area={areaOf(c)} />
                {form === 'agreement' && c.type === 'dispute' ? (
                  <MediationAgreement c={c} timeline={tl} />
                ) : (
                  <CaseSheet c={c} timeline={tl} />
                )}
              </div>
            </Fragment>
          );
        })
      )}
    </PrintView>
  );
}

/** The case page's print button: 办理单, and for a dispute also 调解协议书. */
export function CasePrintButton({ c }: { c: Case }) {
  const t = useT();
  const [form, setForm] = useState<CaseForm | null>(null);
  return (
    <>
      {c.type === 'dispute' ? (
        <Dropdown
          trigger={['click']}
          menu={{
            items: [
              { key: 'sheet', label: t('ledger.case.sheetTitle') },
              { key: 'agreement', label: t('ledger.agreement.title') },
            ],
            onClick: ({ key }) => setForm(key as CaseForm),
          }}
        >
          <Button icon={<PrinterOutlined />} data-testid="case-print">
            {t('ledger.print')}
          </Button>
        </Dropdown>
      ) : (
        <Button icon={<PrinterOutlined />} onClick={() => setForm('sheet')} data-testid="case-print">
          {t('ledger.case.printSheet')}
        </Button>
      )}
      {form ? <CaseSheets ids={[c.id]} form={form} onClose={() => setForm(null)} /> : null}
    </>
  );
}
