import {
  ArrowLeftOutlined,
  CheckCircleOutlined,
  CloudUploadOutlined,
  SearchOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Divider,
  Form,
  Input,
  Radio,
  Result,
  Select,
  Skeleton,
  Space,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { type ReactNode, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useAuth } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { submit } from '../../app/offline.js';
import { useOnline } from '../../app/outbox.js';
import { fmtTime } from '../../app/time.js';
import { ErrorState, emptyText, PageHeader, useDebounced, useIsMobile, useNotify } from '../../app/ui.js';
import { LocationField, type Point } from '../cases/LocationField.js';
import { uuid } from '../cases/queries.js';
import { usePerson, usePersonSearch } from '../registry/queries.js';
import {
  cachedPlanItem,
  type FormField,
  useVisitRules,
  VISIT_METHODS,
  type Visit,
  type VisitMethod,
  visitKeys,
} from './queries.js';
import {
  DueTag,
  FindingPanel,
  type LocalPhoto,
  LocalPhotoInput,
  lastVisitText,
  PersonTags,
} from './shared.js';

interface VisitValues {
  method: VisitMethod;
  met: string;
  findings?: string;
  form?: Record<string, string | boolean | undefined>;
  photos?: LocalPhoto[];
  location?: Point;
  visitedAt?: Dayjs | null;
}

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
/** Quick answers to "who was met" (a tap fills the field). */
const MET_QUICK = ['self', 'family', 'neighbour', 'nobody'] as const;

/** One field of the rule's form: text, a choice (buttons, or a list when long) or yes/no. */
function RuleField({ f }: { f: FormField }) {
  const t = useT();
  const rules = f.required ? [{ required: true, message: t('form.required') }] : [];
  const name = ['form', f.key];
  if (f.kind === 'yesno') {
    return (
      <Form.Item name={name} label={f.label} rules={rules}>
        <Radio.Group
          optionType="button"
          options={[
            { value: true, label: t('common.yes') },
            { value: false, label: t('common.no') },
          ]}
          data-testid={`visit-form-${f.key}`}
        />
      </Form.Item>
    );
  }
  if (f.kind === 'choice') {
    const options = (f.options ?? []).map((o) => ({ value: o, label: o }));
    return (
      <Form.Item name={name} label={f.label} rules={rules}>
        {options.length <= 4 ? (
          <Radio.Group optionType="button" options={options} data-testid={`visit-form-${f.key}`} />
        ) : (
          <Select allowClear options={options} data-testid={`visit-form-${f.key}`} />
        )}
      </Form.Item>
    );
  }
  return (
    <Form.Item
      name={name}
      label={f.label}
      rules={[
        ...(f.required ? [{ required: true, whitespace: true, message: t('form.required') }] : []),
        { max: 500, message: t('form.maxLength', { n: 500 }) },
      ]}
    >
      <Input maxLength={500} data-testid={`visit-form-${f.key}`} />
    </Form.Item>
  );
}

function SavedView({
  visit,
  person,
  address,
  onAnother,
}: {
  visit: Visit;
  person: { id: number; name: string };
  address: string;
  onAnother: () => void;
}) {
  const t = useT();
  const { can } = useAuth();
  const navigate = useNavigate();
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="visit-saved">
      <Result
        status="success"
        title={t('visit.saved')}
        subTitle={t('visit.savedHint', {
          name: person.name,
          at: fmtTime(visit.visitedAt, 'MM-DD HH:mm'),
        })}
        style={{ padding: '16px 0 0' }}
        extra={
          <Space wrap style={{ justifyContent: 'center' }}>
            <Button type="primary" onClick={onAnother} data-testid="visit-back-day">
              {t('visit.backToDay')}
            </Button>
            {can('visit.read') ? (
              <Button onClick={() => navigate(`/visits/${visit.id}`)} data-testid="visit-open">
                {t('visit.openRecord')}
              </Button>
            ) : null}
          </Space>
        }
      />
      <FindingPanel
        source={{
          kind: 'visit',
          id: visit.id,
          title: t('finding.visitTitle', { name: person.name }),
          description: visit.findings,
          location: visit.location,
          address: address || undefined,
          person,
        }}
      />
    </Space>
  );
}

/**
 * Whom an unplanned visit is to: a search over the people the worker may see (name, initials, the
 * last digits of an ID number or phone), as a list of big rows to tap — the form opens for the one
 * tapped. Before typing it lists the first people of their area.
 */
function PickPerson({ onPick }: { onPick: (id: number) => void }) {
  const t = useT();
  const navigate = useNavigate();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const found = usePersonSearch(q, true);
  const items = found.data?.items ?? [];
  return (
    <div className="jy-narrow" data-testid="visit-pick-person">
      <PageHeader
        title={
          <Space size={8}>
            <Button
              type="text"
              icon={<ArrowLeftOutlined />}
              onClick={() => navigate(-1)}
              aria-label={t('common.back')}
            />
            <span>{t('phone.unplannedTitle')}</span>
          </Space>
        }
      />
      <Typography.Paragraph type="secondary">{t('phone.unplannedHint')}</Typography.Paragraph>
      <Input
        allowClear
        size="large"
        autoFocus
        prefix={<SearchOutlined />}
        placeholder={t('phone.pickPersonPlaceholder')}
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        data-testid="visit-pick-search"
        style={{ marginBottom: 12 }}
      />
      {found.error && !found.data ? (
        <ErrorState compact error={found.error} onRetry={() => void found.refetch()} />
      ) : found.isPending ? (
        <Skeleton active paragraph={{ rows: 4 }} />
      ) : items.length === 0 ? (
        <Card size="small">{emptyText(q ? t('phone.pickPersonNone', { q }) : t('common.noData'))}</Card>
      ) : (
        <div className="jy-pick-list" aria-busy={found.isFetching}>
          {items.map((p) => (
            <button
              type="button"
              key={p.id}
              className="jy-pick-row"
              onClick={() => onPick(p.id)}
              data-testid="visit-pick-row"
            >
              <span className="jy-pick-main">
                <span className="jy-pick-name">{p.name}</span>
                {p.age !== null ? <span className="jy-pick-meta">{t('visit.age', { n: p.age })}</span> : null}
              </span>
              <span className="jy-pick-sub">{p.address || p.currentAddress || ''}</span>
            </button>
          ))}
          {found.data && found.data.total > items.length ? (
            <Typography.Text type="secondary" style={{ display: 'block', padding: '8px 4px' }}>
              {t('phone.pickPersonMore', { n: found.data.total })}
            </Typography.Text>
          ) : null}
        </div>
      )}
    </div>
  );
}

/** "记录走访": who was met, how, what was found, the rule's questions, photos and where — on a phone. */
export default function VisitFormPage() {
  const t = useT();
  const { me, can } = useAuth();
  const mobile = useIsMobile();
  const online = useOnline();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [sp, setSp] = useSearchParams();
  const personId = num(sp.get('personId'));
  const ruleId = num(sp.get('ruleId'));
  const planId = num(sp.get('planId'));
  const [form] = Form.useForm<VisitValues>();
  const { fail } = useNotify();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<Visit | null>(null);
  const [queued, setQueued] = useState(false);
  // One key per visit, from the moment the form opens; a refused save starts a new one.
  const keyRef = useRef(uuid());

  const plan = useMemo(
    () => (personId ? cachedPlanItem(qc, { planId, personId, ruleId }) : undefined),
    [qc, planId, personId, ruleId],
  );
  const person = usePerson(!plan && can('person.read') && personId ? personId : 0);
  // The rule's questions: with the plan item when the server sends them, else from the rules.
  const needRules = !!ruleId && !plan?.form && (can('visit.manage') || can('visit.read'));
  const rules = useVisitRules(undefined, needRules);
  const rule = rules.data?.find((r) => r.id === ruleId);
  const fields: FormField[] = plan?.form ?? rule?.form ?? [];
  // Never the record's number on screen: the name, a placeholder while it comes, or "this person".
  const personName = plan?.personName ?? person.data?.name ?? '';
  const nameLoading = !personName && person.isPending && person.fetchStatus === 'fetching';
  const address =
    plan?.address ||
    person.data?.currentAddress ||
    person.data?.areaPath
      .filter((a) => ['compound', 'building', 'unit', 'house'].includes(a.kind))
      .map((a) => a.name)
      .join('') ||
    '';

  if (!personId) {
    if (!can('person.read')) {
      return (
        <Result
          status="info"
          title={t('visit.pickPerson')}
          extra={
            <Button type="primary" onClick={() => navigate('/visits/my-day')}>
              {t('visit.backToDay')}
            </Button>
          }
        />
      );
    }
    // An unplanned visit: pick whom first (the form then opens for them, as from a person's page).
    return <PickPerson onPick={(id) => setSp({ personId: String(id) }, { replace: true })} />;
  }

  const back = () => navigate('/visits/my-day');

  if (saved) {
    return (
      <div className="jy-narrow">
        <SavedView
          visit={saved}
          person={{ id: personId, name: saved.personName || personName }}
          address={address}
          onAnother={back}
        />
      </div>
    );
  }
  if (queued) {
    return (
      <div className="jy-narrow">
        <Result
          status="info"
          icon={<CloudUploadOutlined style={{ color: '#fa8c16' }} />}
          title={t('visit.queued')}
          subTitle={t('visit.queuedHint')}
          extra={
            <Button type="primary" onClick={back} data-testid="visit-back-day">
              {t('visit.backToDay')}
            </Button>
          }
          data-testid="visit-queued"
        />
      </div>
    );
  }

  const onFinish = async (v: VisitValues) => {
    if (!me) return;
    const answers: Record<string, string | boolean> = {};
    for (const f of fields) {
      const a = v.form?.[f.key];
      if (typeof a === 'boolean') answers[f.key] = a;
      else if (typeof a === 'string' && a.trim()) answers[f.key] = a.trim();
    }
    const body = {
      personId,
      ruleId,
      // Fixed now: a replay of a queued visit must send the same body.
      visitedAt: (v.visitedAt ?? dayjs()).toISOString(),
      method: v.method,
      met: v.met.trim(),
      findings: v.findings?.trim() ?? '',
      form: answers,
      location: v.location,
    };
    setBusy(true);
    try {
      const r = await submit<Visit>({
        key: keyRef.current,
        userId: me.user.id,
        kind: 'visit',
        label: personName || t('phone.thisPerson'),
        url: '/api/visits',
        body,
        attachments: (v.photos ?? []).map((p) => ({ name: p.name, type: p.type, blob: p.blob })),
        invalidate: [[...visitKeys.all], ['people', 'detail', personId]],
        meta: { personId, ruleId: ruleId ?? null, planId: planId ?? null },
      });
      if (r.status === 'sent') {
        await qc.invalidateQueries({ queryKey: visitKeys.all });
        setSaved(r.result);
      } else if (r.status === 'queued') {
        setQueued(true);
      } else {
        keyRef.current = uuid();
        fail(r.error, form);
      }
    } finally {
      setBusy(false);
    }
  };

  const section = (title: ReactNode) => (
    <Divider titlePlacement="start" style={{ marginTop: 4 }}>
      {title}
    </Divider>
  );

  const header = (
    <Card size="small" style={{ marginBottom: 12 }} data-testid="visit-person">
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'flex-start' }}>
        <div style={{ minWidth: 0 }}>
          <div style={{ fontSize: 16, fontWeight: 600 }}>
            {nameLoading ? (
              <Skeleton.Input active size="small" />
            ) : can('person.read') ? (
              <Link to={`/people/${personId}`} data-testid="visit-person-link">
                {personName || t('phone.thisPerson')}
              </Link>
            ) : (
              personName || t('phone.thisPerson')
            )}
            {plan?.age != null ? (
              <span className="jy-plan-age">{t('visit.age', { n: plan.age })}</span>
            ) : null}
          </div>
          {address ? <Typography.Text type="secondary">{address}</Typography.Text> : null}
        </div>
        {plan ? <DueTag item={plan} /> : null}
      </div>
      {plan ? (
        <>
          <div style={{ margin: '6px 0' }}>
            <PersonTags tags={plan.tags} />
          </div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {plan.ruleName}
            {plan.mustVisit ? ` · ${t('visit.mustVisit')}` : ''} · {lastVisitText(t, plan)}
          </Typography.Text>
        </>
      ) : rule ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {rule.name}
        </Typography.Text>
      ) : null}
    </Card>
  );

  return (
    <div className="jy-narrow">
      <PageHeader
        title={
          <Space size={8}>
            <Button
              type="text"
              icon={<ArrowLeftOutlined />}
              onClick={() => navigate(-1)}
              aria-label={t('common.back')}
            />
            <span>{t('visit.record')}</span>
          </Space>
        }
      />
      {header}
      {!online ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('visit.offlineForm')}
          data-testid="visit-offline"
        />
      ) : null}
      <Card styles={{ body: { padding: mobile ? 14 : 24 } }}>
        <Form<VisitValues>
          form={form}
          layout="vertical"
          initialValues={{ method: 'home' }}
          onFinish={onFinish}
          scrollToFirstError
          data-testid="visit-form"
        >
          {section(t('visit.sectionMeeting'))}
          <Form.Item name="method" label={t('visit.methodLabel')}>
            <Radio.Group
              optionType="button"
              options={VISIT_METHODS.map((m) => ({ value: m, label: t(`visit.method.${m}`) }))}
              data-testid="visit-method"
            />
          </Form.Item>
          <Form.Item
            name="met"
            label={t('visit.met')}
            extra={
              <Space size={[4, 4]} wrap style={{ marginTop: 6 }}>
                {MET_QUICK.map((k) => (
                  <Tag.CheckableTag
                    key={k}
                    checked={false}
                    onChange={() => form.setFieldsValue({ met: t(`visit.metQuick.${k}`) })}
                    className="jy-quick-tag"
                    data-testid={`visit-met-${k}`}
                  >
                    {t(`visit.metQuick.${k}`)}
                  </Tag.CheckableTag>
                ))}
              </Space>
            }
            rules={[
              { required: true, whitespace: true, message: t('visit.metRequired') },
              { max: 100, message: t('form.maxLength', { n: 100 }) },
            ]}
          >
            <Input maxLength={100} placeholder={t('visit.metPlaceholder')} data-testid="visit-met" />
          </Form.Item>
          <Form.Item
            name="findings"
            label={t('visit.findings')}
            rules={[{ max: 2000, message: t('form.maxLength', { n: 2000 }) }]}
          >
            <Input.TextArea
              rows={4}
              maxLength={2000}
              showCount
              placeholder={t('visit.findingsPlaceholder')}
              data-testid="visit-findings"
            />
          </Form.Item>

          {needRules && rules.isPending && rules.fetchStatus === 'fetching' ? (
            <Skeleton active paragraph={{ rows: 2 }} />
          ) : null}
          {fields.length > 0 ? (
            <>
              {section(t('visit.sectionForm'))}
              {fields.map((f) => (
                <RuleField key={f.key} f={f} />
              ))}
            </>
          ) : null}

          {section(t('visit.sectionEvidence'))}
          <Form.Item name="photos" label={t('report.photos')} extra={t('visit.photosHint')}>
            <LocalPhotoInput />
          </Form.Item>
          <Form.Item name="location" label={t('report.location')}>
            <LocationField />
          </Form.Item>
          <Form.Item name="visitedAt" label={t('visit.visitedAt')} extra={t('visit.visitedAtHint')}>
            <DatePicker
              showTime={{ format: 'HH:mm' }}
              format="YYYY-MM-DD HH:mm"
              inputReadOnly={mobile}
              placeholder={t('visit.now')}
              disabledDate={(d) =>
                d.isAfter(dayjs(), 'day') || d.isBefore(dayjs().subtract(30, 'day'), 'day')
              }
              style={{ width: mobile ? '100%' : 240 }}
            />
          </Form.Item>

          <div className={mobile ? 'jy-sticky-actions' : undefined}>
            <Button
              type="primary"
              htmlType="submit"
              size="large"
              block={mobile}
              loading={busy}
              // The rule's questions are still on their way.
              disabled={needRules && rules.isPending && rules.fetchStatus === 'fetching'}
              icon={online ? <CheckCircleOutlined /> : <CloudUploadOutlined />}
              data-testid="visit-submit"
            >
              {busy ? t('visit.sending') : online ? t('visit.save') : t('visit.saveOffline')}
            </Button>
          </div>
        </Form>
      </Card>
    </div>
  );
}
