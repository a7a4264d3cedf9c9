import { QuestionCircleOutlined } from '@ant-design/icons';
import { Card, Col, Row, Segmented, Space, Tooltip, Typography } from 'antd';
import { useCan } from '../../app/auth.js';
import { hasMessage, type TFunction, useT } from '../../app/i18n.js';
import { Ledger, useLedgerParams } from '../../app/ledger/Ledger.js';
import { ErrorState, PageHeader, QueryState, useIsMobile } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { type Period, PeriodPicker, readPeriod } from './period.js';
import {
  CASE_TYPE_LIST,
  type CaseState,
  type CaseType,
  type Figure,
  type IndicatorResult as IndicatorResultData,
  useIndicators,
} from './queries.js';
import { CaseStateTag } from './shared.js';

const isType = (v: string | null): v is CaseType => !!v && (CASE_TYPE_LIST as string[]).includes(v);
const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

/** A figure's value for people: rates in per cent, hours with one decimal, '—' without a denominator. */
export function figureValue(t: TFunction, f: Figure): string {
  if (f.value === null || f.value === undefined) return '—';
  switch (f.unit) {
    case 'rate':
      return `${(f.value * 100).toFixed(1).replace(/\.0$/, '')}%`;
    case 'hours':
      return t('indicator.hours', { n: f.value.toFixed(1) });
    case 'score':
      return `${f.value.toFixed(2)} / 5`;
    default:
      return String(f.value);
  }
}

export function FigureCard({ f }: { f: Figure }) {
  const t = useT();
  const help = `indicator.help.${f.key}`;
  return (
    <Card size="small" style={{ height: '100%' }} data-testid={`figure-${f.key}`}>
      <Space size={4} style={{ color: 'rgba(0,0,0,0.55)', fontSize: 13 }}>
        <span>{f.name}</span>
        {hasMessage(help) ? (
          <Tooltip title={t(help)} trigger={['hover', 'click']}>
            <QuestionCircleOutlined />
          </Tooltip>
        ) : null}
      </Space>
      <div className="jy-figure-value" data-testid={`figure-${f.key}-value`}>
        {figureValue(t, f)}
      </div>
      {f.numerator !== null && f.denominator !== null ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('indicator.fraction', { n: f.numerator, d: f.denominator })}
        </Typography.Text>
      ) : (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          &nbsp;
        </Typography.Text>
      )}
    </Card>
  );
}

interface DetailRow {
  key: string;
  section: string;
  name: string;
  value: string;
  sortValue: number;
  numerator: string;
  denominator: string;
  state?: CaseState;
}

/** Every figure, then the counts by state and by category: the rows of the indicator ledger. */
function detailRows(t: TFunction, r: IndicatorResultData): DetailRow[] {
  return [
    ...r.figures.map((f) => ({
      key: `f-${f.key}`,
      section: t('ledger.indicator.figures'),
      name: f.name,
      value: figureValue(t, f),
      sortValue: f.value ?? -1,
      numerator: f.numerator === null ? '' : String(f.numerator),
      denominator: f.denominator === null ? '' : String(f.denominator),
    })),
    ...r.byState.map((x) => ({
      key: `s-${x.state}`,
      section: t('indicator.byState'),
      name: t(`caseState.${x.state}`),
      value: String(x.count),
      sortValue: x.count,
      numerator: '',
      denominator: '',
    })),
    ...r.byCategory.map((x) => ({
      key: `c-${x.category}`,
      section: t('indicator.byCategory'),
      name: x.name,
      value: String(x.count),
      sortValue: x.count,
      numerator: '',
      denominator: '',
    })),
  ];
}

export default function IndicatorsPage() {
  const t = useT();
  const can = useCan();
  const mobile = useIsMobile();
  const lp = useLedgerParams(200);
  const { sp, update } = lp;
  const types = CASE_TYPE_LIST.filter((x) => can(`${x}.read`));
  const typeParam = sp.get('type');
  const type = isType(typeParam) && types.includes(typeParam) ? typeParam : undefined;
  const areaId = num(sp.get('areaId'));
  const period = readPeriod(sp);
  const result = useIndicators({ areaId, type, from: period.from, to: period.to }, types.length > 0);

  const setPeriod = (p: Period) =>
    update(
      p.kind === 'custom'
        ? { period: 'custom', from: p.from, to: p.to }
        : { period: p.kind === 'month' ? undefined : p.kind, from: undefined, to: undefined },
    );

  return (
    <>
      <PageHeader title={t('nav.caseIndicators')} />
      <div className="jy-filter-bar" style={{ alignItems: 'center' }}>
        <div style={{ width: mobile ? undefined : 240 }}>
          <AreaTreeSelect
            allowClear
            value={areaId ?? null}
            onChange={(v) => update({ areaId: v ?? undefined })}
            placeholder={t('indicator.myArea')}
            data-testid="indicator-area"
          />
        </div>
        {types.length > 1 ? (
          <div style={{ minWidth: 0, overflowX: 'auto' }}>
            <Segmented
              value={type ?? 'all'}
              onChange={(v) => update({ type: v === 'all' ? undefined : String(v) })}
              options={[
                { value: 'all', label: t('common.all') },
                ...types.map((x) => ({ value: x, label: t(`caseType.${x}`) })),
              ]}
              data-testid="indicator-type"
            />
          </div>
        ) : null}
        <div style={{ minWidth: 0 }}>
          <PeriodPicker value={period} onChange={setPeriod} />
        </div>
      </div>
      {result.error && !result.data ? (
        <ErrorState error={result.error} onRetry={() => void result.refetch()} />
      ) : (
        <QueryState query={result} rows={8}>
          {(r) => (
            <Space
              orientation="vertical"
              size={16}
              style={{ width: '100%', opacity: result.isFetching ? 0.7 : 1 }}
            >
              <Typography.Text type="secondary" data-testid="indicator-scope">
                {t('indicator.scope', { area: r.areaName, from: r.from, to: r.to })}
              </Typography.Text>
              <Row gutter={[12, 12]} data-testid="indicator-figures">
                {r.figures.map((f) => (
                  <Col key={f.key} xs={12} sm={8} lg={6} xxl={4}>
                    <FigureCard f={f} />
                  </Col>
                ))}
              </Row>
              <Ledger<DetailRow>
                id="case-indicators"
                title={t('ledger.indicator.title', { area: r.areaName, from: r.from, to: r.to })}
                params={lp}
                query={{
                  ...result,
                  data: { items: detailRows(t, r), total: detailRows(t, r).length },
                }}
                paged={false}
                saveFilters={false}
                columns={[
                  { key: 'section', title: t('ledger.indicator.section') },
                  { key: 'name', title: t('ledger.indicator.item'), value: (x) => x.name },
                  {
                    key: 'value',
                    title: t('ledger.indicator.value'),
                    align: 'right',
                    value: (x) => x.sortValue,
                    render: (x) =>
                      x.state ? (
                        <span>
                          <CaseStateTag state={x.state} /> {x.value}
                        </span>
                      ) : (
                        x.value
                      ),
                  },
                  { key: 'numerator', title: t('ledger.indicator.numerator'), align: 'right' },
                  { key: 'denominator', title: t('ledger.indicator.denominator'), align: 'right' },
                ]}
                rowKey={(x) => x.key}
                testId="indicator-details"
                emptyText={t('indicator.none')}
                exportTo={{
                  path: '/api/cases/indicators/export',
                  body: { areaId, type, from: period.from, to: period.to },
                  fileName: 'case-indicators.xlsx',
                }}
                print={{ area: r.areaName }}
                card={{ title: (x) => x.name, fields: ['section', 'value', 'numerator', 'denominator'] }}
              />
              <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
                {t('indicator.note')}
              </Typography.Paragraph>
            </Space>
          )}
        </QueryState>
      )}
    </>
  );
}
