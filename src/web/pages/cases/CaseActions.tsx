import {
  AimOutlined,
  CheckOutlined,
  CloseOutlined,
  EllipsisOutlined,
  MessageOutlined,
  SendOutlined,
  StopOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Checkbox,
  DatePicker,
  Dropdown,
  Form,
  Input,
  InputNumber,
  Radio,
  Rate,
  Select,
  Space,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { type ReactNode, useState } from 'react';
import { DISPUTE_OUTCOMES, LIMIT_UNITS, MEDIATION_METHODS } from '../../../contract/case-codes.js';
import { isApiError } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { FormModal, useSubmit } from '../../app/forms.js';
import { type TFunction, useT } from '../../app/i18n.js';
import { useDebounced, useIsMobile } from '../../app/ui.js';
import { PlaceText } from './LocationField.js';
import {
  type Case,
  type CaseAction,
  type CaseTransition,
  caseKeys,
  invalidateCases,
  transition,
  useAssignable,
  useCaseSearch,
} from './queries.js';
import {
  attachmentIdsOf,
  PhotoInput,
  type PhotoItem,
  photosReadyRule,
  useCaseCodes,
  useTypeWords,
} from './shared.js';

/** The order actions are offered in: the next step of the flow first. */
const ORDER: CaseAction[] = [
  'accept',
  'dispatch',
  'sign',
  'feedback',
  'verify',
  'mediate',
  'conclude',
  'rate',
  'extend_decide',
  'resume',
  'follow_up',
  'extend_request',
  'reopen',
  'supervise',
  'remind',
  'comment',
  'suspend',
  'return',
  'reject',
];
const PRIMARY = new Set<CaseAction>([
  'accept',
  'dispatch',
  'sign',
  'feedback',
  'verify',
  'conclude',
  'rate',
  'extend_decide',
  'resume',
]);
const DANGER = new Set<CaseAction>(['reject', 'return', 'suspend']);
/** Actions whose comment is required (the contract's minimum length). */
const COMMENT_MIN: Partial<Record<CaseAction, number>> = {
  reject: 2,
  return: 2,
  feedback: 2,
  extend_request: 2,
  suspend: 2,
  reopen: 2,
  follow_up: 2,
  comment: 1,
};
/** Actions done on site: the form offers to attach the current position. */
const ON_SITE = new Set<CaseAction>(['feedback', 'verify', 'follow_up', 'sign']);

interface ActionValues {
  comment?: string;
  attachmentIds?: PhotoItem[];
  location?: { lat: number; lng: number };
  reason?: 'invalid' | 'duplicate' | 'out_of_scope';
  duplicateOfId?: number;
  assigneeUserId?: number;
  department?: string;
  passed?: boolean;
  rating?: number;
  onBehalf?: boolean;
  amount?: number;
  unit?: 'wday' | 'whour';
  approved?: boolean;
  date?: Dayjs;
  place?: string;
  method?: string;
  participants?: string;
  notes?: string;
  outcome?: string;
  agreement?: string;
  referredTo?: string;
}

export function actionLabel(t: TFunction, a: CaseAction, own?: (key: string) => string | null): string {
  return own?.(a) ?? t(`caseAction.${a}`);
}

function toTransition(action: CaseAction, v: ActionValues): CaseTransition {
  const base = {
    action,
    comment: v.comment?.trim() || undefined,
    attachmentIds: attachmentIdsOf(v.attachmentIds),
    location: v.location,
  };
  const extra: Record<string, unknown> = {};
  switch (action) {
    case 'reject':
      extra.reason = v.reason;
      if (v.reason === 'duplicate') extra.duplicateOfId = v.duplicateOfId;
      break;
    case 'dispatch':
      extra.assigneeUserId = v.assigneeUserId;
      extra.department = v.department?.trim() || undefined;
      break;
    case 'verify':
      extra.passed = v.passed;
      break;
    case 'rate':
      extra.rating = v.rating;
      if (v.onBehalf) extra.onBehalf = true;
      break;
    case 'extend_request':
      extra.amount = v.amount;
      extra.unit = v.unit ?? 'wday';
      break;
    case 'extend_decide':
      extra.approved = v.approved;
      break;
    case 'mediate':
      extra.date = v.date?.format('YYYY-MM-DD');
      extra.place = v.place?.trim();
      extra.method = v.method;
      extra.participants = v.participants?.trim() ?? '';
      extra.notes = v.notes?.trim() ?? '';
      break;
    case 'conclude':
      extra.outcome = v.outcome;
      if (v.outcome === 'agreement') extra.agreement = v.agreement?.trim() || undefined;
      if (v.outcome === 'referred') extra.referredTo = v.referredTo?.trim() || undefined;
      break;
    default:
      break;
  }
  return { ...base, ...extra } as CaseTransition;
}

function AssigneeSelect({
  caseId,
  value,
  onChange,
}: {
  caseId: number;
  value?: number;
  onChange?: (v: number | undefined) => void;
}) {
  const t = useT();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const list = useAssignable(caseId, q, true);
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={value}
      onChange={onChange}
      loading={list.isFetching}
      placeholder={t('action.pickAssignee')}
      options={(list.data ?? []).map((a) => ({
        value: a.id,
        label: a.name,
        desc: [a.roles.join('、'), a.areaName].filter(Boolean).join(' · '),
        ofGrid: a.ofGrid,
        openLoad: a.openLoad,
      }))}
      optionRender={(o) => {
        const d = o.data as { desc?: string; ofGrid?: boolean; openLoad?: number };
        return (
          <div data-testid={`assignee-${o.value}`}>
            <div style={{ display: 'flex', gap: 8, justifyContent: 'space-between', alignItems: 'center' }}>
              <span>
                {o.label}
                {d.ofGrid ? (
                  <Tag color="green" style={{ marginInlineStart: 6 }}>
                    {t('dispatch.ofGrid')}
                  </Tag>
                ) : null}
              </span>
              <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                {t('dispatch.openLoad', { n: d.openLoad ?? 0 })}
              </Typography.Text>
            </div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {d.desc}
            </Typography.Text>
          </div>
        );
      }}
      notFoundContent={list.isError ? t('error.loadFailed') : t('action.noAssignable')}
      style={{ width: '100%' }}
      data-testid="action-assignee"
    />
  );
}

function DuplicateSelect({
  c,
  value,
  onChange,
}: {
  c: Case;
  value?: number;
  onChange?: (v: number | undefined) => void;
}) {
  const t = useT();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const found = useCaseSearch(q, c.type, q.length > 0);
  const items = (found.data?.items ?? []).filter((x) => x.id !== c.id);
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear
      value={value}
      onChange={onChange}
      loading={found.isFetching}
      placeholder={t('action.searchCase')}
      options={items.map((x) => ({ value: x.id, label: `${x.no} ${x.title}` }))}
      notFoundContent={q ? t('common.noData') : t('action.typeToSearchCase')}
      style={{ width: '100%' }}
    />
  );
}

/** "Attach my position" for on-site actions. */
function HereField({
  value,
  onChange,
}: {
  value?: { lat: number; lng: number };
  onChange?: (v?: { lat: number; lng: number }) => void;
}) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  if (value) {
    return (
      <Space size={8} wrap>
        <PlaceText point={value} data-testid="action-place" />
        <Button size="small" type="link" onClick={() => onChange?.(undefined)}>
          {t('location.clear')}
        </Button>
      </Space>
    );
  }
  return (
    <Space orientation="vertical" size={2}>
      <Button
        size="small"
        icon={<AimOutlined />}
        loading={busy}
        onClick={() => {
          setErr(null);
          if (!('geolocation' in navigator)) {
            setErr(t('location.unsupported'));
            return;
          }
          setBusy(true);
          navigator.geolocation.getCurrentPosition(
            (p) => {
              setBusy(false);
              onChange?.({
                lat: Math.round(p.coords.latitude * 1e6) / 1e6,
                lng: Math.round(p.coords.longitude * 1e6) / 1e6,
              });
            },
            (e) => {
              setBusy(false);
              setErr(e.code === e.PERMISSION_DENIED ? t('location.denied') : t('location.failed'));
            },
            { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
          );
        }}
      >
        {t('action.attachHere')}
      </Button>
      {err ? <Typography.Text type="warning">{err}</Typography.Text> : null}
    </Space>
  );
}

function ActionFields({
  c,
  action,
  form,
}: {
  c: Case;
  action: CaseAction;
  form: ReturnType<typeof Form.useForm<ActionValues>>[0];
}) {
  const t = useT();
  const can = useCan();
  const codes = useCaseCodes();
  const mobile = useIsMobile();
  const reason = Form.useWatch('reason', form);
  const outcome = Form.useWatch('outcome', form);
  const passed = Form.useWatch('passed', form);
  const required = { required: true, message: t('form.required') };
  const fields: ReactNode[] = [];

  switch (action) {
    case 'reject':
      fields.push(
        <Form.Item key="reason" name="reason" label={t('action.reason')} rules={[required]}>
          <Radio.Group
            options={(['invalid', 'duplicate', 'out_of_scope'] as const).map((r) => ({
              value: r,
              label: t(`rejectReason.${r}`),
            }))}
            data-testid="action-reason"
          />
        </Form.Item>,
      );
      if (reason === 'duplicate') {
        fields.push(
          <Form.Item key="dup" name="duplicateOfId" label={t('action.duplicateOf')} rules={[required]}>
            <DuplicateSelect c={c} />
          </Form.Item>,
        );
      }
      break;
    case 'dispatch':
      fields.push(
        <Form.Item key="assignee" name="assigneeUserId" label={t('action.assignee')} rules={[required]}>
          <AssigneeSelect caseId={c.id} />
        </Form.Item>,
        <Form.Item
          key="dept"
          name="department"
          label={t('action.department')}
          rules={[{ max: 60, message: t('form.maxLength', { n: 60 }) }]}
        >
          <Input maxLength={60} placeholder={t('action.departmentPlaceholder')} />
        </Form.Item>,
      );
      break;
    case 'verify':
      fields.push(
        <Form.Item key="passed" name="passed" label={t('action.verifyResult')} rules={[required]}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={[
              { value: true, label: <span data-testid="verify-pass">{t('action.verifyPass')}</span> },
              { value: false, label: <span data-testid="verify-fail">{t('action.verifyFail')}</span> },
            ]}
          />
        </Form.Item>,
      );
      break;
    case 'rate':
      fields.push(
        <Form.Item key="rating" name="rating" label={t('action.rating')} rules={[required]}>
          <Rate data-testid="action-rating" />
        </Form.Item>,
      );
      if (can(`${c.type}.accept`) || can(`${c.type}.verify`)) {
        fields.push(
          <Form.Item key="onBehalf" name="onBehalf" valuePropName="checked">
            <Checkbox>{t('action.onBehalf')}</Checkbox>
          </Form.Item>,
        );
      }
      break;
    case 'extend_request':
      fields.push(
        <Space key="amount" size={8} align="start">
          <Form.Item name="amount" label={t('action.extendBy')} rules={[required]}>
            <InputNumber min={1} max={60} precision={0} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="unit" label={t('action.unit')}>
            <Select
              style={{ width: 130 }}
              options={LIMIT_UNITS.filter((u) => u.code === 'wday' || u.code === 'whour').map((u) => ({
                value: u.code,
                label: u[codes.lang],
              }))}
            />
          </Form.Item>
        </Space>,
      );
      break;
    case 'extend_decide':
      fields.push(
        <Form.Item key="approved" name="approved" label={t('action.decision')} rules={[required]}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={[
              { value: true, label: t('action.approve') },
              { value: false, label: t('action.deny') },
            ]}
          />
        </Form.Item>,
      );
      break;
    case 'mediate':
      fields.push(
        <Space key="when" size={8} wrap style={{ width: '100%' }} align="start">
          <Form.Item name="date" label={t('mediation.date')} rules={[required]}>
            <DatePicker inputReadOnly={mobile} disabledDate={(d) => d.isAfter(dayjs().endOf('day'))} />
          </Form.Item>
          <Form.Item name="method" label={t('mediation.method')} rules={[required]}>
            <Select style={{ width: 160 }} options={codes.options(MEDIATION_METHODS)} />
          </Form.Item>
        </Space>,
        <Form.Item
          key="place"
          name="place"
          label={t('mediation.place')}
          rules={[
            { required: true, whitespace: true, message: t('form.required') },
            { max: 100, message: t('form.maxLength', { n: 100 }) },
          ]}
        >
          <Input maxLength={100} />
        </Form.Item>,
        <Form.Item key="participants" name="participants" label={t('mediation.participants')}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>,
        <Form.Item key="notes" name="notes" label={t('mediation.notes')}>
          <Input.TextArea rows={4} maxLength={4000} showCount />
        </Form.Item>,
      );
      break;
    case 'conclude':
      fields.push(
        <Form.Item key="outcome" name="outcome" label={t('dispute.outcome')} rules={[required]}>
          <Radio.Group options={codes.options(DISPUTE_OUTCOMES)} />
        </Form.Item>,
      );
      if (outcome === 'agreement') {
        fields.push(
          <Form.Item
            key="agreement"
            name="agreement"
            label={t('mediation.agreement')}
            extra={t('mediation.agreementHint')}
          >
            <Input.TextArea rows={4} maxLength={4000} showCount />
          </Form.Item>,
        );
      }
      if (outcome === 'referred') {
        fields.push(
          <Form.Item
            key="referredTo"
            name="referredTo"
            label={t('mediation.referredTo')}
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input maxLength={100} />
          </Form.Item>,
        );
      }
      break;
    default:
      break;
  }

  const min = COMMENT_MIN[action] ?? (action === 'verify' && passed === false ? 2 : 0);
  const commentLabel =
    action === 'feedback'
      ? t('action.feedbackComment')
      : action === 'reject' || action === 'return' || action === 'suspend' || action === 'reopen'
        ? t('action.reasonComment')
        : action === 'extend_request'
          ? t('action.extendComment')
          : action === 'follow_up'
            ? t('action.followUpComment')
            : t('action.comment');
  fields.push(
    <Form.Item
      key="comment"
      name="comment"
      label={commentLabel}
      rules={[
        ...(min > 0
          ? [
              { required: true, whitespace: true, message: t('action.commentRequired') },
              { min, message: t('action.commentMin', { n: min }) },
            ]
          : []),
        { max: 2000, message: t('form.maxLength', { n: 2000 }) },
      ]}
    >
      <Input.TextArea rows={3} maxLength={2000} showCount data-testid="action-comment" />
    </Form.Item>,
    <Form.Item key="photos" name="attachmentIds" label={t('action.photos')} rules={[photosReadyRule(t)]}>
      <PhotoInput pdf={action === 'conclude' || action === 'mediate'} data-testid="action-photos" />
    </Form.Item>,
  );
  if (ON_SITE.has(action)) {
    fields.push(
      <Form.Item key="here" name="location" label={t('action.here')}>
        <HereField />
      </Form.Item>,
    );
  }
  return <>{fields}</>;
}

function ActionModal({ c, action, onClose }: { c: Case; action: CaseAction | null; onClose: () => void }) {
  const t = useT();
  const qc = useQueryClient();
  const codes = useCaseCodes();
  const own = useTypeWords(c.type);
  const [form] = Form.useForm<ActionValues>();
  const { busy, run, ok } = useSubmit(form);

  const onFinish = async (v: ActionValues) => {
    if (!action) return;
    await run(
      async () => {
        const updated = await transition(c.id, toTransition(action, v), c.version);
        qc.setQueryData(caseKeys.detail(c.id), updated);
        await invalidateCases(qc);
        ok(t('action.done', { action: actionLabel(t, action, own) }));
        onClose();
      },
      async (e) => {
        // Someone acted first: show the case as it is now.
        if (
          isApiError(e, 'CASE_CONFLICT') ||
          isApiError(e, 'STALE_VERSION') ||
          (isApiError(e) && (e.status === 409 || e.status === 412))
        ) {
          await invalidateCases(qc);
          onClose();
        }
      },
    );
  };

  const pending = c.pendingExtension;
  return (
    <FormModal<ActionValues>
      open={action !== null}
      title={action ? `${actionLabel(t, action, own)} · ${c.no}` : ''}
      onClose={onClose}
      form={form}
      onFinish={onFinish}
      busy={busy}
      okText={action ? actionLabel(t, action, own) : undefined}
      okButtonProps={{ danger: action ? DANGER.has(action) : false, 'data-testid': 'action-submit' }}
      initialValues={{ unit: 'wday', date: action === 'mediate' ? dayjs() : undefined }}
      data-testid={action ? `action-form-${action}` : undefined}
      before={
        action === 'extend_decide' && pending ? (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            title={t('case.pendingExtension', {
              by: pending.by,
              amount: pending.amount,
              unit: codes.label(LIMIT_UNITS, pending.unit),
            })}
            description={pending.reason}
          />
        ) : action ? (
          <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
            {t(`actionHint.${action}`)}
          </Typography.Paragraph>
        ) : null
      }
    >
      {action ? <ActionFields c={c} action={action} form={form} /> : null}
    </FormModal>
  );
}

function actionIcon(a: CaseAction): ReactNode {
  if (a === 'dispatch') return <SendOutlined />;
  if (a === 'comment') return <MessageOutlined />;
  if (a === 'reject' || a === 'return') return <CloseOutlined />;
  if (PRIMARY.has(a)) return <CheckOutlined />;
  return undefined;
}

/**
 * One button per ability of the case (the actions this user may take now). On phones the bar sticks
 * to the bottom with the first two and a "more" menu.
 */
export function CaseActionBar({ c }: { c: Case }) {
  const t = useT();
  const mobile = useIsMobile();
  const [action, setAction] = useState<CaseAction | null>(null);
  const own = useTypeWords(c.type);
  const abilities = ORDER.filter((a) => c.abilities.includes(a));
  const blocked = (c.blocked ?? []).filter((b) => !c.abilities.includes(b.action));
  if (abilities.length === 0 && blocked.length === 0) return null;
  const shownCount = mobile ? (abilities.length > 3 ? 2 : 3) : abilities.length;
  const shown = abilities.slice(0, shownCount);
  const rest = abilities.slice(shownCount);
  return (
    <>
      {(mobile ? [] : blocked).map((b) => (
        <Alert
          key={b.action}
          type="info"
          showIcon
          style={{ marginBottom: 8 }}
          title={b.reason}
          data-testid={`blocked-${b.action}-reason`}
        />
      ))}
      <div className={`jy-case-actions${mobile ? ' sticky' : ''}`} data-testid="case-actions">
        {mobile
          ? blocked.map((b) => (
              // On a phone the reason rides in the bar, where the disabled button is.
              <Typography.Text
                key={b.action}
                type="secondary"
                style={{ flexBasis: '100%', fontSize: 12 }}
                data-testid={`blocked-${b.action}-reason`}
              >
                {b.reason}
              </Typography.Text>
            ))
          : null}
        {shown.map((a) => (
          <Button
            key={a}
            type={PRIMARY.has(a) && a === shown[0] ? 'primary' : 'default'}
            danger={DANGER.has(a)}
            icon={mobile ? undefined : actionIcon(a)}
            autoInsertSpace={false}
            onClick={() => setAction(a)}
            data-testid={`action-${a}`}
          >
            {actionLabel(t, a, own)}
          </Button>
        ))}
        {blocked.map((b) => (
          <Tooltip key={b.action} title={b.reason}>
            <Button
              disabled
              icon={mobile ? undefined : <StopOutlined />}
              autoInsertSpace={false}
              data-testid={`action-${b.action}-blocked`}
            >
              {actionLabel(t, b.action, own)}
            </Button>
          </Tooltip>
        ))}
        {rest.length > 0 ? (
          <Dropdown
            trigger={['click']}
            menu={{
              items: rest.map((a) => ({
                key: a,
                danger: DANGER.has(a),
                label: <span data-testid={`action-${a}`}>{actionLabel(t, a, own)}</span>,
              })),
              onClick: ({ key }) => setAction(key as CaseAction),
            }}
          >
            <Button
              icon={<EllipsisOutlined />}
              data-testid="action-more"
              style={mobile ? { flex: 'none' } : undefined}
            >
              {mobile ? null : t('common.more')}
            </Button>
          </Dropdown>
        ) : null}
      </div>
      <ActionModal c={c} action={action} onClose={() => setAction(null)} />
    </>
  );
}
