import { ArrowLeftOutlined, EyeOutlined, FlagOutlined, SolutionOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  Radio,
  Rate,
  Row,
  Skeleton,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  CASE_CHANNELS,
  DISPUTE_OUTCOMES,
  DISPUTE_SCALES,
  LIMIT_UNITS,
  MEDIATION_METHODS,
  PARTY_ROLES,
} from '../../../contract/case-codes.js';
import { api } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { FormModal, useSubmit } from '../../app/forms.js';
import { hasMessage, type TFunction, useT } from '../../app/i18n.js';
import { fmtTime } from '../../app/time.js';
import { ErrorState, PageHeader, QueryState, useIsMobile, useNotify } from '../../app/ui.js';
import { CaseActionBar } from './CaseActions.js';
import { SupervisionTag } from './CasesPage.js';
import { PlaceText } from './LocationField.js';
import { CasePrintButton } from './print.js';
import {
  type Case,
  caseKeys,
  invalidateCases,
  type TimelineEntry,
  transition,
  useCase,
  useTimeline,
} from './queries.js';
import {
  AttachmentList,
  CasePointMap,
  CaseStateTag,
  CaseTypeTag,
  DeadlineTag,
  UrgencyTag,
  useCaseCodes,
  useNow,
} from './shared.js';

const dash = <Typography.Text type="secondary">—</Typography.Text>;
const or = (v: ReactNode) => (v === null || v === undefined || v === '' ? dash : v);
const fmt = (v: string | null | undefined) => (v ? fmtTime(v, 'YYYY-MM-DD HH:mm') : null);

type RevealField = 'contactPhone' | 'partyIdNumber' | 'partyPhone';
const PURPOSES = ['verify', 'visit', 'service'] as const;
/** The clear value shows this long (the server sends no expiry for case fields). */
const CLEAR_FOR_MS = 60_000;

function fieldName(t: TFunction, f: RevealField) {
  return f === 'contactPhone'
    ? t('case.contactPhone')
    : f === 'partyIdNumber'
      ? t('party.idNumber')
      : t('party.phone');
}

/** A masked value of a case with 查看 (POST /api/cases/:id/reveal, purpose asked and audited). */
function CaseMasked({
  caseId,
  field,
  partyId,
  masked,
  allowed,
}: {
  caseId: number;
  field: RevealField;
  partyId?: number;
  masked: string | null;
  allowed: boolean;
}) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const [clear, setClear] = useState<{ value: string; until: number } | null>(null);
  const [, tick] = useState(0);
  const [form] = Form.useForm<{ purpose: string }>();
  const { busy, run } = useSubmit(form);

  useEffect(() => {
    if (!clear) return;
    const id = setTimeout(() => setClear(null), Math.max(0, clear.until - Date.now()));
    const every = setInterval(() => tick((n) => n + 1), 1000);
    return () => {
      clearTimeout(id);
      clearInterval(every);
    };
  }, [clear]);

  if (!masked) return dash;
  const isMasked = masked.includes('*');
  return (
    <Space size={4} wrap>
      <Typography.Text
        className="jy-mono"
        copyable={clear ? { text: clear.value } : false}
        data-testid={`case-${field}${partyId ? `-${partyId}` : ''}`}
      >
        {clear?.value ?? masked}
      </Typography.Text>
      {clear ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('reveal.left', { n: Math.max(0, Math.round((clear.until - Date.now()) / 1000)) })}
        </Typography.Text>
      ) : isMasked && allowed ? (
        <Button type="link" size="small" icon={<EyeOutlined />} onClick={() => setAsking(true)}>
          {t('reveal.view')}
        </Button>
      ) : null}
      <FormModal<{ purpose: string }>
        open={asking}
        title={t('reveal.title', { field: fieldName(t, field) })}
        onClose={() => setAsking(false)}
        okText={t('reveal.show')}
        width={420}
        form={form}
        busy={busy}
        before={<Typography.Paragraph type="secondary">{t('reveal.hint')}</Typography.Paragraph>}
        onFinish={(v) =>
          run(async () => {
            const r = await api.post<{ value: string | null }>(`/api/cases/${caseId}/reveal`, {
              field,
              partyId,
              purpose: v.purpose.trim(),
            });
            setClear({ value: r.value ?? '—', until: Date.now() + CLEAR_FOR_MS });
            setAsking(false);
          })
        }
      >
        <Form.Item label={t('reveal.quick')}>
          <Radio.Group
            optionType="button"
            onChange={(e) =>
              form.setFieldsValue({ purpose: t(`reveal.purpose.${e.target.value as 'verify'}`) })
            }
            options={PURPOSES.map((p) => ({ value: p, label: t(`reveal.purpose.${p}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="purpose"
          label={t('reveal.purpose')}
          rules={[
            { required: true, whitespace: true, message: t('reveal.purposeRequired') },
            { min: 2, message: t('reveal.purposeRequired') },
            { max: 200, message: t('form.maxLength', { n: 200 }) },
          ]}
        >
          <Input.TextArea rows={2} maxLength={200} showCount />
        </Form.Item>
      </FormModal>
    </Space>
  );
}

const KIND_COLOR: Record<string, string> = {
  report: 'blue',
  accept: 'blue',
  dispatch: 'blue',
  sign: 'blue',
  feedback: 'blue',
  reject: 'red',
  return: 'red',
  escalate: 'red',
  supervise: 'orange',
  remind: 'orange',
  suspend: 'gray',
  conclude: 'green',
  rate: 'green',
};

/** What a timeline entry's data says, for the keys the engine writes; others are left out. */
function useDataLines() {
  const t = useT();
  const codes = useCaseCodes();
  return (e: TimelineEntry): ReactNode[] => {
    const d = e.data ?? {};
    const out: ReactNode[] = [];
    const s = (k: string) => (typeof d[k] === 'string' || typeof d[k] === 'number' ? String(d[k]) : null);
    const assignee =
      s('assigneeName') ?? s('assignee') ?? (d.assignee as { name?: string } | undefined)?.name ?? null;
    if (assignee) out.push(t('timeline.assignee', { name: assignee }));
    if (s('department')) out.push(t('timeline.department', { name: s('department') }));
    if (s('reason') && hasMessage(`rejectReason.${s('reason')}`)) {
      out.push(t(`rejectReason.${s('reason') as 'invalid'}`));
    }
    const dup = s('duplicateOfId');
    if (dup)
      out.push(
        <Link to={`/cases/${dup}`}>{t('timeline.duplicateOf', { id: s('duplicateOfNo') ?? dup })}</Link>,
      );
    const merged = s('mergedId');
    if (merged) {
      out.push(<Link to={`/cases/${merged}`}>{t('timeline.merged', { no: s('mergedNo') ?? merged })}</Link>);
    }
    if (typeof d.passed === 'boolean') out.push(d.passed ? t('action.verifyPass') : t('action.verifyFail'));
    if (typeof d.approved === 'boolean') out.push(d.approved ? t('action.approve') : t('action.deny'));
    if (typeof d.rating === 'number') out.push(<Rate disabled value={d.rating} style={{ fontSize: 14 }} />);
    if (typeof d.amount === 'number' && s('unit')) {
      out.push(t('timeline.extend', { amount: d.amount, unit: codes.label(LIMIT_UNITS, s('unit')) }));
    }
    if (e.kind === 'supervise' && typeof d.level === 'number' && d.level > 0)
      out.push(t('case.supervised', { n: d.level }));
    if (s('method')) out.push(`${t('mediation.method')}：${codes.label(MEDIATION_METHODS, s('method'))}`);
    if (s('date') && e.kind === 'mediate') out.push(`${t('mediation.date')}：${s('date')}`);
    if (s('place')) out.push(`${t('mediation.place')}：${s('place')}`);
    if (s('participants')) out.push(`${t('mediation.participants')}：${s('participants')}`);
    if (s('notes')) out.push(`${t('mediation.notes')}：${s('notes')}`);
    if (s('outcome')) out.push(`${t('dispute.outcome')}：${codes.label(DISPUTE_OUTCOMES, s('outcome'))}`);
    if (s('agreement')) out.push(`${t('mediation.agreement')}：${s('agreement')}`);
    if (s('referredTo')) out.push(`${t('mediation.referredTo')}：${s('referredTo')}`);
    if (e.kind === 'set_public' && typeof d.public === 'boolean')
      out.push(d.public ? t('case.publicOn') : t('case.publicOff'));
    return out;
  };
}

function kindLabel(t: TFunction, kind: string) {
  const key = `caseAction.${kind}`;
  if (hasMessage(key)) return t(key);
  const other = `caseKind.${kind}`;
  return hasMessage(other) ? t(other) : kind;
}

function CaseTimeline({ id }: { id: number }) {
  const t = useT();
  const timeline = useTimeline(id);
  const lines = useDataLines();
  if (timeline.error && !timeline.data) {
    return <ErrorState error={timeline.error} onRetry={() => void timeline.refetch()} compact />;
  }
  if (!timeline.data) return <Skeleton active paragraph={{ rows: 4 }} />;
  if (timeline.data.length === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('timeline.empty')} />;
  return (
    <Timeline
      data-testid="case-timeline"
      items={timeline.data.map((e) => {
        const extra = lines(e);
        const color =
          e.kind === 'verify' && e.data?.passed === false
            ? 'red'
            : e.toState === 'closed'
              ? 'green'
              : (KIND_COLOR[e.kind] ?? 'gray');
        return {
          key: e.id,
          color,
          content: (
            <div data-testid={`timeline-${e.kind}`} style={{ paddingBottom: 4 }}>
              <div style={{ display: 'flex', flexWrap: 'wrap', gap: '2px 8px', alignItems: 'baseline' }}>
                <Typography.Text strong>{kindLabel(t, e.kind)}</Typography.Text>
                <Typography.Text>{e.actor}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {fmtTime(e.at, 'YYYY-MM-DD HH:mm')}
                </Typography.Text>
                {e.toState && e.toState !== e.fromState ? (
                  <Tag color="default" style={{ marginInlineEnd: 0, fontSize: 11 }}>
                    → {t(`caseState.${e.toState}`)}
                  </Tag>
                ) : null}
              </div>
              {extra.length > 0 ? (
                <div style={{ marginTop: 2 }}>
                  {extra.map((x, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity but their order
                    <div key={i} style={{ fontSize: 13, overflowWrap: 'anywhere' }}>
                      {x}
                    </div>
                  ))}
                </div>
              ) : null}
              {e.comment ? (
                <Typography.Paragraph
                  style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
                >
                  {e.comment}
                </Typography.Paragraph>
              ) : null}
              {e.attachments.length > 0 ? (
                <div style={{ marginTop: 6 }}>
                  <AttachmentList items={e.attachments} size={56} />
                </div>
              ) : null}
              {e.location ? (
                <div style={{ fontSize: 12 }}>
                  <PlaceText point={e.location} data-testid="timeline-place" />
                </div>
              ) : null}
            </div>
          ),
        };
      })}
    />
  );
}

/**
 * 对外公开: whether the case may be shown outside (Open311, the big screen), its text scrubbed of
 * identifiers. The handling staff change it (the server's `set_public` ability); a dispute never is.
 */
function PublicToggle({ c }: { c: Case }) {
  const t = useT();
  const qc = useQueryClient();
  const { fail, ok } = useNotify();
  const [busy, setBusy] = useState(false);
  if (c.type === 'dispute')
    return <Typography.Text type="secondary">{t('case.publicNever')}</Typography.Text>;
  const change = async (value: boolean) => {
    setBusy(true);
    try {
      const updated = await transition(c.id, { action: 'set_public', public: value }, c.version);
      qc.setQueryData(caseKeys.detail(c.id), updated);
      await invalidateCases(qc);
      ok(value ? t('case.publicOn') : t('case.publicOff'));
    } catch (e) {
      fail(e);
      await invalidateCases(qc);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space orientation="vertical" size={0}>
      <Checkbox
        checked={c.public}
        disabled={busy || !c.abilities.includes('set_public')}
        onChange={(e) => void change(e.target.checked)}
        data-testid="case-public"
      >
        {t('case.public')}
      </Checkbox>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('case.publicHint')}
      </Typography.Text>
    </Space>
  );
}

function CaseDetail({ c }: { c: Case }) {
  const t = useT();
  const can = useCan();
  const codes = useCaseCodes();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const now = useNow();
  const open = c.state !== 'closed' && c.state !== 'rejected';
  // The server's rule: a dispute's contacts need dispute.reveal, the others person.reveal.
  const mayRevealContact = can(c.type === 'dispute' ? 'dispute.reveal' : 'person.reveal');
  const detail = c.detail as {
    scale?: string;
    amount?: number;
    involvedCount?: number;
    hazardLevel?: string;
  };

  const info = [
    {
      key: 'no',
      label: t('case.no'),
      children: (
        <Typography.Text copyable className="jy-mono">
          {c.no}
        </Typography.Text>
      ),
    },
    {
      key: 'category',
      label: c.type === 'dispute' ? t('report.disputeType') : t('case.category'),
      children: c.categoryName,
    },
    {
      key: 'area',
      label: t('case.area'),
      span: 'filled' as const,
      children: c.areaPathNames.length > 0 ? c.areaPathNames.join(' / ') : c.areaName,
    },
    { key: 'address', label: t('case.address'), children: or(c.address) },
    { key: 'channel', label: t('case.channel'), children: codes.label(CASE_CHANNELS, c.channel) },
    { key: 'reporter', label: t('case.reporter'), children: or(c.reporter?.name) },
    { key: 'reportedAt', label: t('case.reportedAt'), children: fmt(c.reportedAt) },
    {
      key: 'public',
      label: t('case.visibility'),
      span: 'filled' as const,
      children: <PublicToggle c={c} />,
    },
    ...(c.contactName || c.contactPhone
      ? [
          { key: 'contactName', label: t('case.contactName'), children: or(c.contactName) },
          {
            key: 'contactPhone',
            label: t('case.contactPhone'),
            children: (
              <CaseMasked
                caseId={c.id}
                field="contactPhone"
                masked={c.contactPhone}
                allowed={mayRevealContact}
              />
            ),
          },
        ]
      : []),
    { key: 'owner', label: t('case.owner'), children: or(c.owner?.name) },
    {
      key: 'assignee',
      label: t('case.assignee'),
      children: or(c.assignee ? `${c.assignee.name}${c.department ? `（${c.department}）` : ''}` : null),
    },
    ...(c.acceptedAt
      ? [{ key: 'acceptedAt', label: t('case.acceptedAt'), children: fmt(c.acceptedAt) }]
      : []),
    ...(c.dispatchedAt
      ? [{ key: 'dispatchedAt', label: t('case.dispatchedAt'), children: fmt(c.dispatchedAt) }]
      : []),
    ...(c.closedAt ? [{ key: 'closedAt', label: t('case.closedAt'), children: fmt(c.closedAt) }] : []),
    ...(c.reworkCount > 0 ? [{ key: 'rework', label: t('case.reworkCount'), children: c.reworkCount }] : []),
    ...(c.extensionCount > 0
      ? [{ key: 'ext', label: t('case.extensionCount'), children: c.extensionCount }]
      : []),
    ...(c.rating !== null
      ? [
          {
            key: 'rating',
            label: t('case.rating'),
            children: <Rate disabled value={c.rating} style={{ fontSize: 14 }} />,
          },
        ]
      : []),
    ...(c.type === 'event' && detail.hazardLevel
      ? [
          {
            key: 'hazard',
            label: t('report.hazardLevel'),
            children: t(`hazard.${detail.hazardLevel as 'low'}`),
          },
        ]
      : []),
  ];

  const disputeInfo =
    c.type === 'dispute'
      ? [
          {
            key: 'scale',
            label: t('dispute.scale'),
            children: codes.label(DISPUTE_SCALES, detail.scale ?? null),
          },
          {
            key: 'amount',
            label: t('dispute.amount'),
            children:
              detail.amount !== undefined && detail.amount !== null
                ? `${detail.amount} ${t('unit.yuan')}`
                : dash,
          },
          { key: 'involved', label: t('dispute.involvedCount'), children: or(detail.involvedCount) },
          { key: 'outcome', label: t('dispute.outcome'), children: codes.label(DISPUTE_OUTCOMES, c.outcome) },
        ]
      : [];

  const deadlines =
    open && (c.stageDueAt || c.dueAt) ? (
      <Space size={8} wrap data-testid="case-deadlines">
        {c.stageDueAt ? (
          <DeadlineTag
            due={c.stageDueAt}
            slaLevel={c.slaLevel}
            label={t('case.stageDue')}
            now={now}
            data-testid="case-stage-due"
          />
        ) : null}
        {c.dueAt && c.dueAt !== c.stageDueAt ? (
          <DeadlineTag
            due={c.dueAt}
            slaLevel={c.slaLevel}
            label={t('case.due')}
            now={now}
            data-testid="case-due"
          />
        ) : null}
      </Space>
    ) : null;

  const hasMap = !!c.location || can('area.read');
  // The visit or patrol the case was raised from (sent by the server once the contract has it).
  const source = (c as Case & { source?: { kind: 'visit' | 'patrol'; id: number } | null }).source ?? null;
  const mayRevealParty = can('dispute.reveal');

  return (
    <>
      <PageHeader
        title={
          <Space size={8} wrap>
            <Button
              type="text"
              icon={<ArrowLeftOutlined />}
              onClick={() => navigate(-1)}
              aria-label={t('common.back')}
            />
            <span data-testid="case-title" style={{ overflowWrap: 'anywhere' }}>
              {c.title}
            </span>
          </Space>
        }
        extra={mobile ? undefined : <CasePrintButton c={c} />}
      />
      <Space size={[6, 6]} wrap style={{ marginBottom: 12 }}>
        <CaseTypeTag type={c.type} />
        <CaseStateTag state={c.state} type={c.type} />
        <UrgencyTag urgency={c.urgency} hideNormal />
        <Tag style={{ marginInlineEnd: 0 }}>{c.categoryName}</Tag>
        <SupervisionTag level={c.supervisionLevel} />
        {deadlines}
      </Space>
      {source ? (
        <div style={{ marginBottom: 12 }}>
          <Link
            to={`/${source.kind === 'visit' ? 'visits' : 'patrols'}/${source.id}`}
            data-testid="case-source"
          >
            {source.kind === 'visit' ? <SolutionOutlined /> : <FlagOutlined />}{' '}
            {t(source.kind === 'visit' ? 'case.fromVisit' : 'case.fromPatrol', { id: source.id })}
          </Link>
        </div>
      ) : null}
      {c.mergedIntoId ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('case.mergedInto')}
          action={<Link to={`/cases/${c.mergedIntoId}`}>{t('case.openMerged')}</Link>}
        />
      ) : null}
      {c.pendingExtension ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('case.pendingExtension', {
            by: c.pendingExtension.by,
            amount: c.pendingExtension.amount,
            unit: codes.label(LIMIT_UNITS, c.pendingExtension.unit),
          })}
          description={c.pendingExtension.reason}
        />
      ) : null}
      {!mobile ? (
        <div style={{ marginBottom: 16 }}>
          <CaseActionBar c={c} />
        </div>
      ) : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card size="small" title={t('case.sectionDescription')}>
              <Typography.Paragraph
                style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
                data-testid="case-description"
              >
                {c.description || (
                  <Typography.Text type="secondary">{t('case.noDescription')}</Typography.Text>
                )}
              </Typography.Paragraph>
              <AttachmentList items={c.attachments} size={mobile ? 96 : 110} />
            </Card>
            <Card size="small" title={t('case.sectionInfo')}>
              <Descriptions size="small" column={{ xs: 1, sm: 2 }} items={info} />
            </Card>
            {c.type === 'dispute' ? (
              <Card size="small" title={t('case.sectionDispute')} data-testid="case-parties">
                <Descriptions
                  size="small"
                  column={{ xs: 1, sm: 2 }}
                  items={disputeInfo}
                  style={{ marginBottom: 12 }}
                />
                {c.parties.length === 0 ? (
                  <Typography.Text type="secondary">{t('dispute.noParties')}</Typography.Text>
                ) : (
                  <Space orientation="vertical" size={8} style={{ width: '100%' }}>
                    {c.parties.map((p) => (
                      <Card key={p.id} size="small" type="inner">
                        <Space size={8} wrap style={{ marginBottom: 4 }}>
                          <Tag color="geekblue" style={{ marginInlineEnd: 0 }}>
                            {codes.label(PARTY_ROLES, p.role)}
                          </Tag>
                          {p.personId && can('person.read') ? (
                            <Link to={`/people/${p.personId}`}>{p.name}</Link>
                          ) : (
                            <Typography.Text strong>{p.name}</Typography.Text>
                          )}
                        </Space>
                        <Descriptions
                          size="small"
                          column={{ xs: 1, sm: 2 }}
                          items={[
                            {
                              key: 'id',
                              label: t('party.idNumber'),
                              children: (
                                <CaseMasked
                                  caseId={c.id}
                                  field="partyIdNumber"
                                  partyId={p.id}
                                  masked={p.idNumber}
                                  allowed={mayRevealParty}
                                />
                              ),
                            },
                            {
                              key: 'phone',
                              label: t('party.phone'),
                              children: (
                                <CaseMasked
                                  caseId={c.id}
                                  field="partyPhone"
                                  partyId={p.id}
                                  masked={p.phone}
                                  allowed={mayRevealParty}
                                />
                              ),
                            },
                            {
                              key: 'address',
                              label: t('party.address'),
                              children: or(p.address),
                              span: 'filled' as const,
                            },
                          ]}
                        />
                      </Card>
                    ))}
                  </Space>
                )}
              </Card>
            ) : null}
          </Space>
        </Col>
        <Col xs={24} xl={10}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            {hasMap ? (
              <Card size="small" title={t('case.sectionLocation')}>
                {c.location ? null : (
                  <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                    {t('case.noLocation')}
                  </Typography.Paragraph>
                )}
                <CasePointMap location={c.location} areaId={c.areaId} height={mobile ? 200 : 240} />
              </Card>
            ) : null}
            <Card size="small" title={t('case.sectionTimeline')}>
              <CaseTimeline id={c.id} />
            </Card>
          </Space>
        </Col>
      </Row>
      {mobile ? (
        <div style={{ marginTop: 16 }}>
          <CaseActionBar c={c} />
        </div>
      ) : null}
    </>
  );
}

export default function CasePage() {
  const { id } = useParams();
  const caseId = Number(id);
  const c = useCase(caseId);
  return (
    <QueryState query={c} rows={10}>
      {(data) => <CaseDetail c={data} />}
    </QueryState>
  );
}
