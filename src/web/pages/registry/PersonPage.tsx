import {
  ArrowLeftOutlined,
  CarryOutOutlined,
  DeleteOutlined,
  EditOutlined,
  HomeOutlined,
  PlusOutlined,
  SwapOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Breadcrumb,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Row,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { type ReactNode, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import {
  type Code,
  EDUCATION,
  FLOATING_RESIDENCE_KINDS,
  INFLOW_REASONS,
  POLITICAL_STATUS,
  RELATIONS,
  RESIDENCE_TYPES,
  SEXES,
} from '../../../contract/codes.js';
import type { PersonTag } from '../../../contract/registry.js';
import { TAGS, type TagCode, tagIdentifiers } from '../../../contract/tags.js';
import { api } from '../../app/api.js';
import { useAuth } from '../../app/auth.js';
import { hasMessage, useT } from '../../app/i18n.js';
import { fmtTime } from '../../app/time.js';
import { ErrorState, emptyText, PageHeader, QueryState, useIsMobile, useNotify } from '../../app/ui.js';
import {
  describeTagField,
  MoveModal,
  PersonFormDrawer,
  TagModal,
  tagFieldLabel,
  tagFieldsOf,
} from './PersonForms.js';
import { personTabs } from './personTabs.js';
import {
  type HistoryEntry,
  PERSON_ABILITY,
  type Person,
  permittedTags,
  registryKeys,
  usePerson,
  usePersonHistory,
} from './queries.js';
import {
  ExpiryText,
  fieldLabel,
  MaskedValue,
  PersonStatusTag,
  ResidenceTag,
  tagColor,
  useCodes,
} from './shared.js';

const dash = <Typography.Text type="secondary">—</Typography.Text>;
const or = (v: ReactNode) => (v === null || v === undefined || v === '' ? dash : v);

/** The house node the person lives in (the last `house` of the area path). */
export function houseOf(p: Pick<Person, 'areaPath'>) {
  return [...p.areaPath].reverse().find((a) => a.kind === 'house') ?? null;
}

function TagCard({ person, tag, canEdit }: { person: Person; tag: PersonTag; canEdit: boolean }) {
  const t = useT();
  const codes = useCodes();
  const qc = useQueryClient();
  const { modal } = App.useApp();
  const { fail, ok } = useNotify();
  const [editing, setEditing] = useState(false);
  const def = TAGS[tag.tag];
  const identifiers = tagIdentifiers(tag.tag);
  const fieldItems = tagFieldsOf(tag.tag)
    .filter(([k]) => tag.fields[k] !== undefined && tag.fields[k] !== null && tag.fields[k] !== '')
    .map(([k, schema]) => {
      const d = describeTagField(schema);
      const raw = tag.fields[k];
      let shown: ReactNode = String(raw);
      if (d.kind === 'code' && d.table) shown = codes.label(d.table, String(raw));
      if (d.kind === 'boolean') shown = raw ? t('common.yes') : t('common.no');
      // An identifier (a certificate number): masked by the server, revealed like the ID number.
      if (identifiers.includes(k)) {
        shown = (
          <MaskedValue
            personId={person.id}
            field={`tag.${tag.tag}.${k}`}
            masked={String(raw)}
            label={tagFieldLabel(t, k)}
          />
        );
      }
      return { key: k, label: tagFieldLabel(t, k), children: shown };
    });
  const period =
    tag.startDate || tag.endDate ? `${tag.startDate ?? '…'} ~ ${tag.endDate ?? t('tags.ongoing')}` : null;

  const remove = () =>
    modal.confirm({
      title: t('tags.removeConfirm', { tag: codes.tag(tag.tag), name: person.name }),
      content: t('tags.removeHint'),
      okButtonProps: { danger: true },
      okText: t('common.remove'),
      onOk: async () => {
        try {
          await api.del(`/api/people/${person.id}/tags/${tag.id}`);
          ok(t('tags.removed'));
          await qc.invalidateQueries({ queryKey: registryKeys.people });
        } catch (e) {
          fail(e);
        }
      },
    });

  return (
    <Card
      size="small"
      data-testid={`person-tag-${tag.tag}`}
      title={
        <Space size={8} wrap>
          <Tag color={tagColor(tag.tag)} style={{ marginInlineEnd: 0 }}>
            {codes.tag(tag.tag)}
          </Tag>
          <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
            {def.group === 'care' ? t('tags.groupCare') : t('tags.groupAttention')}
          </Typography.Text>
        </Space>
      }
      extra={
        canEdit ? (
          <Space size={0}>
            <Button
              type="text"
              size="small"
              icon={<EditOutlined />}
              onClick={() => setEditing(true)}
              aria-label={t('tags.edit')}
              data-testid={`person-tag-edit-${tag.tag}`}
            />
            <Button
              type="text"
              size="small"
              danger
              icon={<DeleteOutlined />}
              onClick={remove}
              aria-label={t('common.remove')}
              data-testid={`person-tag-remove-${tag.tag}`}
            />
          </Space>
        ) : null
      }
    >
      {period ? (
        <div style={{ marginBottom: fieldItems.length ? 8 : 0 }}>
          <Typography.Text type="secondary">{t('tags.period')}：</Typography.Text>
          {period}
        </div>
      ) : null}
      {fieldItems.length > 0 ? (
        <Descriptions size="small" column={1} items={fieldItems} />
      ) : period ? null : (
        <Typography.Text type="secondary">{t('tags.noFields')}</Typography.Text>
      )}
      {canEdit ? (
        <TagModal
          person={person}
          open={editing}
          allowed={[tag.tag]}
          existing={tag}
          onClose={() => setEditing(false)}
        />
      ) : null}
    </Card>
  );
}

/** Code tables of the person fields, to show a change's codes as labels. */
const FIELD_CODES: Record<string, Code[]> = {
  sex: SEXES,
  education: EDUCATION,
  politicalStatus: POLITICAL_STATUS,
  relationToHead: RELATIONS,
  residenceType: RESIDENCE_TYPES,
  inflowReason: INFLOW_REASONS,
  floatingResidenceKind: FLOATING_RESIDENCE_KINDS,
};

function useFormatChange() {
  const t = useT();
  const codes = useCodes();
  return (field: string, v: unknown): string => {
    if (v === null || v === undefined || v === '') return '—';
    if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
    if (typeof v === 'object') return JSON.stringify(v);
    const s = String(v);
    if (field === 'tag' && s in TAGS) return codes.tag(s as TagCode);
    if (field === 'status' && hasMessage(`personStatus.${s}`)) return t(`personStatus.${s as 'active'}`);
    const table = FIELD_CODES[field];
    return table ? codes.label(table, s) : s;
  };
}

function HistoryTab({ personId }: { personId: number }) {
  const t = useT();
  const mobile = useIsMobile();
  const [page, setPage] = useState(1);
  const history = usePersonHistory(personId, page, true);
  const formatChange = useFormatChange();
  if (history.error && !history.data) {
    return <ErrorState error={history.error} onRetry={() => void history.refetch()} compact />;
  }
  const actionLabel = (a: string) => {
    const key = `history.action.${a}`;
    return hasMessage(key) ? t(key) : a;
  };
  return (
    <Table<HistoryEntry>
      rowKey={(e) => `${e.at}-${e.action}`}
      size="small"
      loading={history.isFetching}
      dataSource={history.data?.items ?? []}
      scroll={{ x: 'max-content' }}
      data-testid="person-history"
      locale={{ emptyText: emptyText(t('history.empty')) }}
      pagination={{
        current: page,
        pageSize: 20,
        total: history.data?.total ?? 0,
        showSizeChanger: false,
        size: mobile ? 'small' : undefined,
        onChange: setPage,
      }}
      columns={[
        {
          title: t('history.at'),
          dataIndex: 'at',
          render: (v: string) => (
            <span style={{ whiteSpace: 'nowrap' }}>{fmtTime(v, 'YYYY-MM-DD HH:mm')}</span>
          ),
        },
        { title: t('history.actor'), dataIndex: 'actorName', render: (v: string | null) => v ?? '—' },
        { title: t('history.action'), dataIndex: 'action', render: (v: string) => actionLabel(v) },
        {
          title: t('history.changes'),
          key: 'changes',
          render: (_, e) => {
            const changes = Object.entries(e.changes ?? {});
            if (changes.length === 0) return dash;
            return (
              <div style={{ display: 'flex', flexDirection: 'column', gap: 2, maxWidth: 520 }}>
                {changes.map(([field, c]) => (
                  <div key={field} style={{ overflowWrap: 'anywhere' }}>
                    <Typography.Text strong>{fieldLabel(t, field)}</Typography.Text>
                    {'：'}
                    <Typography.Text type="secondary" delete>
                      {formatChange(field, c.before)}
                    </Typography.Text>
                    {' → '}
                    <Typography.Text>{formatChange(field, c.after)}</Typography.Text>
                  </div>
                ))}
              </div>
            );
          },
        },
      ]}
    />
  );
}

function PersonDetail({ person }: { person: Person }) {
  const t = useT();
  const codes = useCodes();
  const { me, can } = useAuth();
  const navigate = useNavigate();
  const mobile = useIsMobile();
  const [sp, setSp] = useSearchParams();
  const extraTabs = personTabs().filter((x) => x.visible(can, person));
  const tabKeys = ['info', 'tags', ...extraTabs.map((x) => x.key), 'history'];
  const tabParam = sp.get('tab');
  const tab = tabParam && tabKeys.includes(tabParam) ? tabParam : 'info';
  const [editing, setEditing] = useState(false);
  const [moving, setMoving] = useState(false);
  const [tagging, setTagging] = useState(false);
  const able = (a: string) => person.abilities.includes(a);
  const canUpdate = able(PERSON_ABILITY.update);
  const canMove = able(PERSON_ABILITY.move) || canUpdate;
  const canTag = able(PERSON_ABILITY.tag) || canUpdate;
  const visibleTags = useMemo(() => permittedTags(me), [me]);
  const tags = person.tags.filter((tg) => visibleTags.includes(tg.tag));
  const addable = visibleTags.filter((c) => !person.tags.some((tg) => tg.tag === c));
  const house = houseOf(person);

  const basic = [
    { key: 'name', label: fieldLabel(t, 'name'), children: person.name },
    {
      key: 'idNumber',
      label: fieldLabel(t, 'idNumber'),
      children: <MaskedValue personId={person.id} field="idNumber" masked={person.idNumber} />,
    },
    { key: 'sex', label: fieldLabel(t, 'sex'), children: codes.label(SEXES, person.sex) },
    {
      key: 'birthDate',
      label: fieldLabel(t, 'birthDate'),
      // Shown only to those who may reveal the ID number (it is 8 of its characters): others see the age.
      children:
        person.birthDate === null && person.age !== null ? (
          <Typography.Text type="secondary" data-testid="person-birth-hidden">
            {t('person.birthDateHidden', { age: person.age })}
          </Typography.Text>
        ) : (
          or(person.birthDate)
        ),
    },
    { key: 'age', label: fieldLabel(t, 'age'), children: or(person.age) },
    { key: 'ethnicity', label: fieldLabel(t, 'ethnicity'), children: or(person.ethnicity) },
    {
      key: 'phone',
      label: fieldLabel(t, 'phone'),
      children: <MaskedValue personId={person.id} field="phone" masked={person.phone} />,
    },
    {
      key: 'education',
      label: fieldLabel(t, 'education'),
      children: codes.label(EDUCATION, person.education),
    },
    {
      key: 'politicalStatus',
      label: fieldLabel(t, 'politicalStatus'),
      children: codes.label(POLITICAL_STATUS, person.politicalStatus),
    },
    { key: 'employer', label: fieldLabel(t, 'employer'), children: or(person.employer) },
    {
      key: 'healthArchive',
      label: fieldLabel(t, 'healthArchive'),
      children: person.healthArchive ? t('person.archived') : t('person.notArchived'),
    },
    { key: 'note', label: fieldLabel(t, 'note'), children: or(person.note), span: 'filled' as const },
  ];

  const residence = [
    {
      key: 'residenceType',
      label: fieldLabel(t, 'residenceType'),
      children: <ResidenceTag type={person.residenceType} />,
    },
    { key: 'status', label: t('common.status'), children: <PersonStatusTag status={person.status} /> },
    {
      key: 'area',
      label: fieldLabel(t, 'areaId'),
      span: 'filled' as const,
      children: (
        <Breadcrumb
          items={person.areaPath.map((a) => ({
            key: a.id,
            title:
              a.kind === 'house' && can('house.read') ? (
                <Link to={`/houses/${a.id}`}>{a.name}</Link>
              ) : can('area.read') ? (
                <Link to={`/areas?focus=${a.id}`}>{a.name}</Link>
              ) : (
                a.name
              ),
          }))}
        />
      ),
    },
    { key: 'currentAddress', label: fieldLabel(t, 'currentAddress'), children: or(person.currentAddress) },
    {
      key: 'registeredAddress',
      label: fieldLabel(t, 'registeredAddress'),
      children: or(person.registeredAddress),
    },
    {
      key: 'relationToHead',
      label: fieldLabel(t, 'relationToHead'),
      children: codes.label(RELATIONS, person.relationToHead),
    },
    {
      key: 'household',
      label: fieldLabel(t, 'householdId'),
      children: person.householdId ? (person.household ?? dash) : dash,
    },
  ];

  const floating = person.floating;
  const info = (
    <Row gutter={[16, 16]}>
      {person.pendingRegistrations > 0 ? (
        <Col xs={24}>
          <Alert
            type="warning"
            showIcon
            data-testid="person-pending-registrations"
            title={t('person.pendingRegistrations', { n: person.pendingRegistrations })}
          />
        </Col>
      ) : null}
      <Col xs={24} xl={12}>
        <Card size="small" title={t('person.sectionBasic')} data-testid="person-basic">
          <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 2 }} items={basic} />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Card size="small" title={t('person.sectionResidence')}>
            <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 2 }} items={residence} />
          </Card>
          {person.residenceType === 'floating' ? (
            <Card size="small" title={t('person.sectionFloating')} data-testid="person-floating">
              <Descriptions
                size="small"
                column={{ xs: 1, sm: 2 }}
                items={[
                  {
                    key: 'registeredOn',
                    label: fieldLabel(t, 'floatingRegisteredOn'),
                    children: or(floating?.registeredOn),
                  },
                  {
                    key: 'expiresOn',
                    label: fieldLabel(t, 'floatingExpiresOn'),
                    children: <ExpiryText date={floating?.expiresOn} />,
                  },
                  {
                    key: 'inflowReason',
                    label: fieldLabel(t, 'inflowReason'),
                    children: codes.label(INFLOW_REASONS, floating?.inflowReason),
                  },
                  {
                    key: 'residenceKind',
                    label: fieldLabel(t, 'floatingResidenceKind'),
                    children: codes.label(FLOATING_RESIDENCE_KINDS, floating?.residenceKind),
                  },
                ]}
              />
            </Card>
          ) : null}
        </Space>
      </Col>
    </Row>
  );

  const tagsTab = (
    <Card
      size="small"
      title={t('person.sectionTags')}
      data-testid="person-tags"
      extra={
        canTag && addable.length > 0 ? (
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => setTagging(true)}
            data-testid="person-tag-add"
          >
            {t('tags.add')}
          </Button>
        ) : null
      }
    >
      {visibleTags.length === 0 ? (
        <Typography.Text type="secondary">{t('tags.noPermission')}</Typography.Text>
      ) : tags.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tags.none')} />
      ) : (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          {tags.map((tg) => (
            <TagCard key={tg.id} person={person} tag={tg} canEdit={canTag} />
          ))}
        </Space>
      )}
    </Card>
  );

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
            <span data-testid="person-name-title">{person.name}</span>
            <ResidenceTag type={person.residenceType} />
            {person.status !== 'active' ? <PersonStatusTag status={person.status} /> : null}
          </Space>
        }
        extra={
          <>
            {house && can('house.read') ? (
              <Link to={`/houses/${house.id}`}>
                <Button icon={<HomeOutlined />} data-testid="person-house">
                  {mobile ? t('person.house') : t('person.houseOf', { name: house.name })}
                </Button>
              </Link>
            ) : null}
            {can('visit.record') && person.status === 'active' ? (
              <Link to={`/visits/new?personId=${person.id}`}>
                <Button icon={<CarryOutOutlined />} data-testid="person-record-visit">
                  {t('phone.recordVisit')}
                </Button>
              </Link>
            ) : null}
            {canMove ? (
              <Button icon={<SwapOutlined />} onClick={() => setMoving(true)} data-testid="person-move">
                {t('move.button')}
              </Button>
            ) : null}
            {canUpdate ? (
              <Button
                type="primary"
                icon={<EditOutlined />}
                onClick={() => setEditing(true)}
                data-testid="person-edit"
              >
                {t('common.edit')}
              </Button>
            ) : null}
          </>
        }
      />
      <Tabs
        activeKey={tab}
        onChange={(k) =>
          setSp(
            (prev) => {
              const next = new URLSearchParams(prev);
              if (k === 'info') next.delete('tab');
              else next.set('tab', k);
              return next;
            },
            { replace: true },
          )
        }
        items={[
          { key: 'info', label: t('person.tabInfo'), children: info },
          {
            key: 'tags',
            label: (
              <span data-testid="person-tab-tags">
                {t('person.sectionTags')}
                {tags.length > 0 ? ` ${tags.length}` : ''}
              </span>
            ),
            children: tagsTab,
          },
          ...extraTabs.map((x) => ({
            key: x.key,
            label: <span data-testid={`person-tab-${x.key}`}>{t(x.label)}</span>,
            children: x.render(person),
          })),
          {
            key: 'history',
            label: <span data-testid="person-tab-history">{t('person.tabHistory')}</span>,
            children: <HistoryTab personId={person.id} />,
          },
        ]}
        destroyOnHidden
      />
      <PersonFormDrawer open={editing} person={person} onClose={() => setEditing(false)} />
      <MoveModal person={person} open={moving} onClose={() => setMoving(false)} />
      <TagModal person={person} open={tagging} allowed={addable} onClose={() => setTagging(false)} />
    </>
  );
}

export default function PersonPage() {
  const { id } = useParams();
  const personId = Number(id);
  const person = usePerson(personId);
  return (
    <QueryState query={person} rows={10}>
      {(p) => <PersonDetail person={p} />}
    </QueryState>
  );
}
