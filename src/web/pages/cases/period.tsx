import { DatePicker, Segmented, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useT } from '../../app/i18n.js';
import { chinaToday } from '../../app/time.js';
import { useIsMobile } from '../../app/ui.js';

export type PeriodKind = 'month' | 'quarter' | 'year' | 'custom';
export interface Period {
  kind: PeriodKind;
  from: string;
  to: string;
}

const D = 'YYYY-MM-DD';

/** This month / quarter / year, whole (cases closed today count whatever the browser's time zone). */
export function periodOf(kind: Exclude<PeriodKind, 'custom'>, today: Dayjs = chinaToday()): Period {
  let start = today.startOf('month');
  let end = today.endOf('month');
  if (kind === 'quarter') {
    start = start.month(today.month() - (today.month() % 3));
    end = start.add(2, 'month').endOf('month');
  }
  if (kind === 'year') {
    start = today.startOf('year');
    end = today.endOf('year');
  }
  return { kind, from: start.format(D), to: end.format(D) };
}

/** A period from the URL (`period`, `from`, `to`), this month by default. */
export function readPeriod(sp: URLSearchParams, fallback: Exclude<PeriodKind, 'custom'> = 'month'): Period {
  const kind = sp.get('period') as PeriodKind | null;
  const from = sp.get('from');
  const to = sp.get('to');
  const dates = !!from && !!to && /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to);
  // Dates without a preset (a dashboard drill: `?from=…&to=…`) are a custom period.
  if (dates && (kind === 'custom' || kind === null)) return { kind: 'custom', from: from!, to: to! };
  if (kind === 'month' || kind === 'quarter' || kind === 'year') return periodOf(kind);
  return periodOf(fallback);
}

/** Period presets and, for "custom", a date range. */
export function PeriodPicker({ value, onChange }: { value: Period; onChange: (p: Period) => void }) {
  const t = useT();
  const mobile = useIsMobile();
  return (
    <Space size={8} wrap>
      <Segmented
        value={value.kind}
        onChange={(k) => {
          if (k === 'custom') onChange({ ...value, kind: 'custom' });
          else onChange(periodOf(k as Exclude<PeriodKind, 'custom'>));
        }}
        options={(['month', 'quarter', 'year', 'custom'] as const).map((k) => ({
          value: k,
          label: t(`period.${k}`),
        }))}
        data-testid="period"
      />
      {value.kind === 'custom' ? (
        <DatePicker.RangePicker
          inputReadOnly={mobile}
          allowClear={false}
          value={[dayjs(value.from), dayjs(value.to)]}
          onChange={(v) => {
            if (v?.[0] && v[1]) onChange({ kind: 'custom', from: v[0].format(D), to: v[1].format(D) });
          }}
        />
      ) : (
        <span style={{ color: 'rgba(0,0,0,0.45)', fontSize: 13 }}>
          {value.from} ~ {value.to}
        </span>
      )}
    </Space>
  );
}
