import {
  ArrowLeftOutlined,
  EditOutlined,
  KeyOutlined,
  PlusOutlined,
  TeamOutlined,
  UserAddOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { HOUSE_USES, RELATIONS, RENTAL_USES, RESIDENCE_TYPES, SEXES } from '../../../contract/codes.js';
import { api, isApiError } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { FormModal, useSubmit } from '../../app/forms.js';
import { useT } from '../../app/i18n.js';
import { Ledger, PhoneLink, useLedgerParams } from '../../app/ledger/Ledger.js';
import { emptyText, PageHeader, QueryState, useIsMobile } from '../../app/ui.js';
import { PersonFormDrawer } from './PersonForms.js';
import {
  type House,
  type Household,
  type PersonListItem,
  type Rental,
  registryKeys,
  useHouse,
} from './queries.js';
import { ExpiryText, fieldLabel, PersonSelect, ResidenceTag, TagChips, useCodes } from './shared.js';

const dash = <Typography.Text type="secondary">—</Typography.Text>;

/** Members with the head first, then in the order of the relation table. */
function orderedMembers(h: Household) {
  const rank = (r: string | null, id: number) =>
    id === h.headPersonId || r === 'head' ? -1 : r ? RELATIONS.findIndex((x) => x.code === r) : 99;
  return [...h.members].sort(
    (a, b) => rank(a.relationToHead, a.personId) - rank(b.relationToHead, b.personId),
  );
}

// —— forms ——

interface FactsValues {
  use?: House['use'];
  ownerPersonId?: number | null;
  floorArea?: number | null;
  note?: string;
}

function EditHouseModal({ house, open, onClose }: { house: House; open: boolean; onClose: () => void }) {
  const t = useT();
  const codes = useCodes();
  const qc = useQueryClient();
  const [form] = Form.useForm<FactsValues>();
  const { busy, run, ok } = useSubmit(form);
  const known = [
    ...(house.ownerPersonId && house.ownerName ? [{ id: house.ownerPersonId, name: house.ownerName }] : []),
    ...house.residents.map((r) => ({ id: r.id, name: r.name, address: r.address, age: r.age })),
  ];

  const onFinish = async (v: FactsValues) => {
    const patch: Record<string, unknown> = {};
    if (v.use && v.use !== house.use) patch.use = v.use;
    if ((v.ownerPersonId ?? null) !== house.ownerPersonId) patch.ownerPersonId = v.ownerPersonId ?? null;
    if ((v.floorArea ?? null) !== house.floorArea) patch.floorArea = v.floorArea ?? null;
    const note = v.note?.trim() || null;
    if (note !== house.note) patch.note = note;
    if (Object.keys(patch).length === 0) {
      onClose();
      return;
    }
    await run(
      async () => {
        await api.patch(`/api/houses/${house.id}`, patch, { ifMatch: house.version });
        ok(t('common.saved'));
        await qc.invalidateQueries({ queryKey: registryKeys.house(house.id) });
        onClose();
      },
      async (e) => {
        if (isApiError(e) && e.status === 412)
          await qc.invalidateQueries({ queryKey: registryKeys.house(house.id) });
      },
    );
  };

  return (
    <FormModal<FactsValues>
      open={open}
      title={t('house.editTitle', { name: house.name })}
      onClose={onClose}
      form={form}
      onFinish={onFinish}
      busy={busy}
      initialValues={{
        use: house.use ?? undefined,
        ownerPersonId: house.ownerPersonId,
        floorArea: house.floorArea,
        note: house.note ?? undefined,
      }}
    >
      <Form.Item name="use" label={t('house.use')}>
        <Radio.Group optionType="button" options={codes.options(HOUSE_USES)} data-testid="house-use" />
      </Form.Item>
      <Form.Item name="ownerPersonId" label={t('house.owner')} extra={t('house.ownerHint')}>
        <PersonSelect known={known} />
      </Form.Item>
      <Form.Item name="floorArea" label={t('house.floorArea')}>
        <InputNumber min={0} max={100000} precision={2} style={{ width: '100%' }} suffix="m²" />
      </Form.Item>
      <Form.Item name="note" label={fieldLabel(t, 'note')} rules={[{ max: 500 }]}>
        <Input.TextArea rows={3} maxLength={500} showCount />
      </Form.Item>
    </FormModal>
  );
}

interface RentalValues {
  landlordPersonId?: number | null;
  use: string;
  period: [Dayjs | null, Dayjs | null];
  tenantPersonIds?: number[];
}

function RentalModal({ house, open, onClose }: { house: House; open: boolean; onClose: () => void }) {
  const t = useT();
  const codes = useCodes();
  const qc = useQueryClient();
  const [form] = Form.useForm<RentalValues>();
  const { busy, run, ok } = useSubmit(form);
  const known = house.residents.map((r) => ({ id: r.id, name: r.name, address: r.address, age: r.age }));
  const owner =
    house.ownerPersonId && house.ownerName ? [{ id: house.ownerPersonId, name: house.ownerName }] : [];

  const onFinish = async (v: RentalValues) => {
    const [from, to] = v.period ?? [null, null];
    await run(async () => {
      await api.post(`/api/houses/${house.id}/rentals`, {
        landlordPersonId: v.landlordPersonId ?? undefined,
        use: v.use,
        startDate: from?.format('YYYY-MM-DD'),
        endDate: to ? to.format('YYYY-MM-DD') : undefined,
        tenantPersonIds: v.tenantPersonIds ?? [],
      });
      ok(t('rental.added'));
      await qc.invalidateQueries({ queryKey: registryKeys.house(house.id) });
      onClose();
    });
  };

  return (
    <FormModal<RentalValues>
      open={open}
      title={t('rental.addTitle', { name: house.name })}
      onClose={onClose}
      form={form}
      onFinish={onFinish}
      busy={busy}
      initialValues={{ use: 'housing', landlordPersonId: house.ownerPersonId ?? undefined }}
    >
      <Form.Item name="landlordPersonId" label={t('rental.landlord')}>
        <PersonSelect known={[...owner, ...known]} />
      </Form.Item>
      <Form.Item name="use" label={t('rental.use')} rules={[{ required: true, message: t('form.required') }]}>
        <Select options={codes.options(RENTAL_USES)} />
      </Form.Item>
      <Form.Item
        name="period"
        label={t('rental.period')}
        extra={t('rental.periodHint')}
        rules={[
          {
            validator: (_, v?: [Dayjs | null, Dayjs | null] | null) =>
              v?.[0] ? Promise.resolve() : Promise.reject(new Error(t('rental.startRequired'))),
          },
        ]}
      >
        <DatePicker.RangePicker style={{ width: '100%' }} allowEmpty={[false, true]} />
      </Form.Item>
      <Form.Item name="tenantPersonIds" label={t('rental.tenants')}>
        <PersonSelect multiple known={known} />
      </Form.Item>
    </FormModal>
  );
}

interface HouseholdValues {
  kind: 'registered' | 'resident';
  headPersonId?: number | null;
}

function HouseholdModal({
  house,
  household,
  open,
  onClose,
}: {
  house: House;
  /** editing this household; none: a new one */
  household: Household | null;
  open: boolean;
  onClose: () => void;
}) {
  const t = useT();
  const qc = useQueryClient();
  const [form] = Form.useForm<HouseholdValues>();
  const { busy, run, ok } = useSubmit(form);
  const known = house.residents.map((r) => ({ id: r.id, name: r.name, address: r.address, age: r.age }));

  const onFinish = async (v: HouseholdValues) => {
    await run(async () => {
      if (household) {
        // a household's kind is fixed once created: only its head changes
        const patch: Record<string, unknown> = {};
        if ((v.headPersonId ?? null) !== household.headPersonId) patch.headPersonId = v.headPersonId ?? null;
        if (Object.keys(patch).length === 0) {
          onClose();
          return;
        }
        await api.patch(`/api/households/${household.id}`, patch, { ifMatch: household.version });
        ok(t('common.saved'));
      } else {
        await api.post('/api/households', {
          houseId: house.id,
          kind: v.kind,
          headPersonId: v.headPersonId ?? undefined,
        });
        ok(t('household.created'));
      }
      await qc.invalidateQueries({ queryKey: registryKeys.house(house.id) });
      await qc.invalidateQueries({ queryKey: registryKeys.people });
      onClose();
    });
  };

  return (
    <FormModal<HouseholdValues>
      open={open}
      title={household ? t('household.editTitle') : t('household.createTitle', { name: house.name })}
      onClose={onClose}
      form={form}
      onFinish={onFinish}
      busy={busy}
      initialValues={{
        kind: household?.kind ?? 'resident',
        headPersonId: household?.headPersonId ?? undefined,
      }}
    >
      <Form.Item name="kind" label={t('household.kind')}>
        <Radio.Group
          optionType="button"
          disabled={household !== null}
          options={[
            { value: 'registered', label: t('household.kindRegistered') },
            { value: 'resident', label: t('household.kindResident') },
          ]}
        />
      </Form.Item>
      <Form.Item name="headPersonId" label={t('household.head')}>
        <PersonSelect
          known={[
            ...(household?.members.map((m) => ({ id: m.personId, name: m.name, age: m.age })) ?? []),
            ...known,
          ]}
        />
      </Form.Item>
    </FormModal>
  );
}

// —— the page ——

function HouseholdCard({ household, onEdit }: { household: Household; onEdit?: () => void }) {
  const t = useT();
  const codes = useCodes();
  const members = orderedMembers(household);
  const head = members.find((m) => m.personId === household.headPersonId);
  return (
    <Card
      size="small"
      data-testid={`household-${household.id}`}
      title={
        <Space size={8} wrap>
          <TeamOutlined />
          <span>{head ? t('household.of', { name: head.name }) : t('household.noHead')}</span>
          <Tag style={{ marginInlineEnd: 0 }}>
            {household.kind === 'registered' ? t('household.kindRegistered') : t('household.kindResident')}
          </Tag>
        </Space>
      }
      extra={
        onEdit ? (
          <Button type="link" size="small" onClick={onEdit}>
            {t('common.edit')}
          </Button>
        ) : null
      }
    >
      {members.length === 0 ? (
        <Typography.Text type="secondary">{t('household.noMembers')}</Typography.Text>
      ) : (
        <Table
          rowKey="personId"
          size="small"
          pagination={false}
          dataSource={members}
          scroll={{ x: 'max-content' }}
          columns={[
            {
              title: fieldLabel(t, 'name'),
              dataIndex: 'name',
              render: (v: string, m) => <Link to={`/people/${m.personId}`}>{v}</Link>,
            },
            {
              title: fieldLabel(t, 'relationToHead'),
              dataIndex: 'relationToHead',
              render: (v: string | null, m) =>
                m.personId === household.headPersonId ? (
                  <Tag color="blue">{codes.label(RELATIONS, 'head')}</Tag>
                ) : (
                  codes.label(RELATIONS, v)
                ),
            },
            {
              title: fieldLabel(t, 'sex'),
              dataIndex: 'sex',
              render: (v: string | null) => codes.label(SEXES, v),
            },
            { title: fieldLabel(t, 'age'), dataIndex: 'age', render: (v: number | null) => v ?? '—' },
          ]}
        />
      )}
    </Card>
  );
}

function HouseDetail({ house }: { house: House }) {
  const t = useT();
  const codes = useCodes();
  const can = useCan();
  const navigate = useNavigate();
  const mobile = useIsMobile();
  const residentsParams = useLedgerParams(20);
  const [editing, setEditing] = useState(false);
  const [renting, setRenting] = useState(false);
  const [registering, setRegistering] = useState(false);
  const [householdOpen, setHouseholdOpen] = useState<Household | 'new' | null>(null);
  const able = (a: string) => house.abilities.includes(a);
  const canUpdate = able('update');
  const canRental = able('rental') || canUpdate;
  const canHousehold = able('household') || canUpdate;
  const canRegister = can('person.create');

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
            <span data-testid="house-title">{house.name}</span>
            {house.use ? <Tag color="blue">{codes.label(HOUSE_USES, house.use)}</Tag> : null}
          </Space>
        }
        extra={
          <>
            {canRegister ? (
              <Button
                icon={<UserAddOutlined />}
                onClick={() => setRegistering(true)}
                data-testid="house-register-person"
              >
                {t('house.registerPerson')}
              </Button>
            ) : null}
            {canRental ? (
              <Button icon={<KeyOutlined />} onClick={() => setRenting(true)} data-testid="house-add-rental">
                {t('rental.add')}
              </Button>
            ) : null}
            {canUpdate ? (
              <Button
                type="primary"
                icon={<EditOutlined />}
                onClick={() => setEditing(true)}
                data-testid="house-edit"
              >
                {t('house.edit')}
              </Button>
            ) : null}
          </>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('house.facts')} data-testid="house-facts">
            <Descriptions
              size="small"
              column={1}
              items={[
                { key: 'address', label: t('house.address'), children: house.address || dash },
                {
                  key: 'use',
                  label: t('house.use'),
                  children: house.use ? codes.label(HOUSE_USES, house.use) : dash,
                },
                {
                  key: 'owner',
                  label: t('house.owner'),
                  children: house.ownerPersonId ? (
                    <Link to={`/people/${house.ownerPersonId}`}>{house.ownerName ?? '—'}</Link>
                  ) : (
                    (house.ownerName ?? dash)
                  ),
                },
                {
                  key: 'floorArea',
                  label: t('house.floorArea'),
                  children: house.floorArea !== null ? `${house.floorArea} m²` : dash,
                },
                { key: 'counts', label: t('house.residentCount'), children: house.residents.length },
                { key: 'note', label: fieldLabel(t, 'note'), children: house.note || dash },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card
            size="small"
            title={t('house.households', { n: house.households.length })}
            extra={
              canHousehold ? (
                <Button
                  size="small"
                  icon={<PlusOutlined />}
                  onClick={() => setHouseholdOpen('new')}
                  data-testid="house-add-household"
                >
                  {t('household.create')}
                </Button>
              ) : null
            }
          >
            {house.households.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('house.noHouseholds')} />
            ) : (
              <Space orientation="vertical" size={12} style={{ width: '100%' }}>
                {house.households.map((h) => (
                  <HouseholdCard
                    key={h.id}
                    household={h}
                    onEdit={h.abilities.includes('update') ? () => setHouseholdOpen(h) : undefined}
                  />
                ))}
              </Space>
            )}
          </Card>
        </Col>
        <Col xs={24}>
          <Card size="small" title={t('house.residents', { n: house.residents.length })}>
            <Ledger<PersonListItem>
              id="house-residents"
              title={`${house.address} ${t('house.residents', { n: house.residents.length })}`}
              params={residentsParams}
              paged={false}
              saveFilters={false}
              query={{
                data: { items: house.residents, total: house.residents.length },
                isPending: false,
                error: null,
                refetch: () => undefined,
              }}
              rowKey={(p) => p.id}
              onOpen={(p) => navigate(`/people/${p.id}`)}
              testId="house-residents"
              emptyText={t('house.noResidents')}
              exportTo={
                can('person.export')
                  ? {
                      path: '/api/people/export',
                      body: { areaId: house.id, status: 'active' },
                      fileName: 'residents.xlsx',
                    }
                  : null
              }
              print={{ area: house.address }}
              card={{ title: (p) => p.name, fields: ['age', 'phone', 'residenceType'] }}
              columns={[
                {
                  key: 'name',
                  title: fieldLabel(t, 'name'),
                  value: (p) => p.name,
                  render: (p) => (
                    <div>
                      <Link to={`/people/${p.id}`} onClick={(e) => e.stopPropagation()}>
                        {p.name}
                      </Link>
                      {p.tags.length ? (
                        <div style={{ marginTop: 4 }}>
                          <TagChips tags={p.tags} max={mobile ? 2 : 3} />
                        </div>
                      ) : null}
                    </div>
                  ),
                  text: (p) => p.name,
                },
                { key: 'idNumber', title: fieldLabel(t, 'idNumber'), text: (p) => p.idNumber ?? '' },
                { key: 'sex', title: fieldLabel(t, 'sex'), text: (p) => codes.label(SEXES, p.sex) },
                {
                  key: 'age',
                  title: fieldLabel(t, 'age'),
                  align: 'right',
                  value: (p) => p.age,
                  text: (p) => (p.age === null ? '' : String(p.age)),
                },
                {
                  key: 'phone',
                  title: fieldLabel(t, 'phone'),
                  render: (p) => <PhoneLink phone={p.phone} />,
                  text: (p) => p.phone ?? '',
                },
                {
                  key: 'residenceType',
                  title: fieldLabel(t, 'residenceType'),
                  render: (p) => <ResidenceTag type={p.residenceType} />,
                  text: (p) => codes.label(RESIDENCE_TYPES, p.residenceType),
                },
                {
                  key: 'floatingExpiresOn',
                  title: fieldLabel(t, 'floatingExpiresOn'),
                  render: (p) =>
                    p.residenceType === 'floating' ? <ExpiryText date={p.floatingExpiresOn} /> : dash,
                  text: (p) => (p.residenceType === 'floating' ? (p.floatingExpiresOn ?? '') : ''),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24}>
          <Card size="small" title={t('house.rentals', { n: house.rentals.length })}>
            <Table<Rental>
              rowKey="id"
              size="small"
              dataSource={house.rentals}
              pagination={false}
              scroll={{ x: 'max-content' }}
              data-testid="house-rentals"
              locale={{ emptyText: emptyText(t('house.noRentals')) }}
              columns={[
                {
                  title: t('rental.landlord'),
                  key: 'landlord',
                  render: (_, r) =>
                    r.landlordPersonId ? (
                      <Link to={`/people/${r.landlordPersonId}`}>{r.landlordName ?? '—'}</Link>
                    ) : (
                      (r.landlordName ?? '—')
                    ),
                },
                {
                  title: t('rental.use'),
                  dataIndex: 'use',
                  render: (v: string) => codes.label(RENTAL_USES, v),
                },
                {
                  title: t('rental.period'),
                  key: 'period',
                  render: (_, r) => (
                    <span style={{ whiteSpace: 'nowrap' }}>
                      {r.startDate} ~ {r.endDate ?? t('rental.open')}
                    </span>
                  ),
                },
                {
                  title: t('rental.tenants'),
                  key: 'tenants',
                  render: (_, r) =>
                    r.tenants.length === 0 ? (
                      '—'
                    ) : (
                      <Space size={[4, 4]} wrap style={{ maxWidth: 360 }}>
                        {r.tenants.map((p) => (
                          <Link key={p.personId} to={`/people/${p.personId}`}>
                            {p.name}
                          </Link>
                        ))}
                      </Space>
                    ),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>

      <EditHouseModal house={house} open={editing} onClose={() => setEditing(false)} />
      <RentalModal house={house} open={renting} onClose={() => setRenting(false)} />
      <HouseholdModal
        house={house}
        household={householdOpen === 'new' ? null : householdOpen}
        open={householdOpen !== null}
        onClose={() => setHouseholdOpen(null)}
      />
      <PersonFormDrawer
        open={registering}
        onClose={() => setRegistering(false)}
        defaults={{
          areaId: house.id,
          areaLabel: house.address || house.name,
          currentAddress: house.address || undefined,
        }}
      />
    </>
  );
}

export default function HousePage() {
  const { id } = useParams();
  const house = useHouse(Number(id));
  return (
    <QueryState query={house} rows={10}>
      {(h) => <HouseDetail house={h} />}
    </QueryState>
  );
}
