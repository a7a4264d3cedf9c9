import { ArrowDownOutlined, ArrowUpOutlined, InfoCircleOutlined, MinusOutlined } from '@ant-design/icons';
import { Card, Popover, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { type KeyboardEvent, type ReactNode, useEffect, useState } from 'react';
import type { FigureUnit } from '../../../contract/dashboard.js';
import { type TFunction, useT } from '../../app/i18n.js';
import { chinaToday } from '../../app/time.js';
import { type Period, type PeriodKind, periodOf } from '../cases/period.js';
import type { DashboardFigure } from './queries.js';

export type Better = 'up' | 'down' | null;

/** Sections in the order the page shows them. */
export const SECTIONS = ['population', 'housing', 'care', 'cases', 'disputes', 'visits'] as const;

const D = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The period in the URL: `from`/`to` (so a shared link shows the same days); which preset it is
 * follows from the dates (this month's dates are "this month"). This month by default.
 */
export function readDashPeriod(sp: URLSearchParams, today: Dayjs = chinaToday()): Period {
  const from = sp.get('from');
  const to = sp.get('to');
  if (from && to && D.test(from) && D.test(to) && from <= to) {
    const preset = (['month', 'quarter', 'year'] as const).find((k) => {
      const p = periodOf(k, today);
      return p.from === from && p.to === to;
    });
    const asked = sp.get('period') as PeriodKind | null;
    return { kind: asked === 'custom' ? 'custom' : (preset ?? 'custom'), from, to };
  }
  return periodOf('month', today);
}

/** A value for people: rates in per cent, hours with one decimal, '—' without a denominator. */
export function formatValue(t: TFunction, unit: FigureUnit, value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  switch (unit) {
    case 'rate':
      return `${(value * 100).toFixed(1).replace(/\.0$/, '')}%`;
    case 'hours':
      return t('indicator.hours', { n: value.toFixed(1) });
    case 'score':
      return value.toFixed(2);
    default:
      return value.toLocaleString('zh-CN');
  }
}

/** Good news, bad news or neither, for a change of `diff` in a figure. */
export function tone(better: Better, diff: number): 'good' | 'bad' | 'neutral' {
  if (diff === 0 || better === null) return 'neutral';
  return (better === 'up') === diff > 0 ? 'good' : 'bad';
}

function diffText(t: TFunction, unit: FigureUnit, diff: number): string {
  const a = Math.abs(diff);
  switch (unit) {
    case 'rate':
      return t('dash.pp', { n: (a * 100).toFixed(1).replace(/\.0$/, '') });
    case 'hours':
      return t('indicator.hours', { n: a.toFixed(1) });
    case 'score':
      return a.toFixed(2);
    default:
      return a.toLocaleString('zh-CN');
  }
}

/** "↑ 12 (+8%)" against the previous period, coloured by whether more is better. */
export function Change({
  f,
  previousRange,
  vs,
}: {
  f: Pick<DashboardFigure, 'unit' | 'value' | 'previous' | 'better' | 'kind'>;
  previousRange: { from: string; to: string };
  /** What it is compared with, in a word ("较上期", "较同期", "同比"). */
  vs?: string;
}) {
  const t = useT();
  const vsText = vs ?? t('dash.vsPrevious');
  if (f.kind === 'stock') {
    return (
      <Typography.Text type="secondary" style={{ fontSize: 12 }} title={t('dash.stockHint')}>
        {t('dash.stock')}
      </Typography.Text>
    );
  }
  const title = t('dash.previousValue', {
    from: previousRange.from,
    to: previousRange.to,
    value: formatValue(t, f.unit, f.previous),
  });
  if (f.value === null || f.previous === null) {
    return (
      <span className="jy-dash-change neutral" title={title}>
        {vsText} —
      </span>
    );
  }
  const diff = f.value - f.previous;
  const kind = tone(f.better, diff);
  const pct =
    f.unit === 'count' && f.previous > 0 && diff !== 0
      ? ` (${diff > 0 ? '+' : '−'}${Math.round((Math.abs(diff) / f.previous) * 100)}%)`
      : '';
  return (
    <span className={`jy-dash-change ${kind}`} title={title} data-tone={kind}>
      {vsText} {diff > 0 ? <ArrowUpOutlined /> : diff < 0 ? <ArrowDownOutlined /> : <MinusOutlined />}{' '}
      {diff === 0 ? t('dash.flat') : `${diffText(t, f.unit, diff)}${pct}`}
    </span>
  );
}

/** A figure: name (definition in a popover), value, change; a click opens the list behind it. */
export function DashFigureCard({
  f,
  previousRange,
  onOpen,
  vs,
  testPrefix = 'figure',
  big = false,
}: {
  f: DashboardFigure;
  previousRange: { from: string; to: string };
  onOpen?: () => void;
  vs?: string;
  /** Test ids: `figure-<key>` for the key figures, another prefix for the full list. */
  testPrefix?: string;
  big?: boolean;
}) {
  const t = useT();
  const definition = (
    <div style={{ maxWidth: 280 }}>
      <div style={{ fontWeight: 600, marginBottom: 4 }}>{f.name}</div>
      <div>{f.formula}</div>
      {f.numerator !== null && f.denominator !== null ? (
        <div style={{ marginTop: 4, color: 'rgba(0,0,0,0.55)' }}>
          {t('indicator.fraction', { n: f.numerator, d: f.denominator })}
        </div>
      ) : null}
      {f.drill ? <div style={{ marginTop: 4, color: '#1f6feb' }}>{t('dash.drill')}</div> : null}
    </div>
  );
  const onKey = (e: KeyboardEvent) => {
    if (onOpen && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      onOpen();
    }
  };
  return (
    <Card
      size="small"
      hoverable={!!onOpen}
      className={`jy-dash-figure${onOpen ? ' clickable' : ''}${big ? ' big' : ''}`}
      onClick={onOpen}
      onKeyDown={onKey}
      tabIndex={onOpen ? 0 : undefined}
      role={onOpen ? 'link' : undefined}
      data-testid={`${testPrefix}-${f.key}`}
    >
      <div className="jy-dash-figure-name">
        <span>{f.name}</span>
        <Popover content={definition} title={t('dash.formula')} trigger={['hover', 'click']}>
          <InfoCircleOutlined
            className="jy-dash-figure-info"
            onClick={(e) => e.stopPropagation()}
            data-testid={`${testPrefix}-${f.key}-info`}
          />
        </Popover>
      </div>
      <div
        className="jy-dash-figure-value"
        data-testid={`${testPrefix}-${f.key}-value`}
        data-value={f.value ?? ''}
      >
        {formatValue(t, f.unit, f.value)}
      </div>
      <div className="jy-dash-figure-foot">
        <Change f={f} previousRange={previousRange} vs={vs} />
      </div>
    </Card>
  );
}

/* ---------------------------------------------------------------- map colours (dashboard and screen) */

export interface Band {
  min: number;
  max: number;
  color: string;
}

const RAMP_BAD = ['#fff1e6', '#ffc69a', '#ff9c5b', '#f5602d', '#c8281a'];
const RAMP_GOOD = ['#e8f3ff', '#b0d4ff', '#74aef7', '#3a7fe0', '#1553b6'];
const RAMP_BAD_DARK = ['#3a2a1e', '#7a3f1c', '#b8521f', '#e8662a', '#ff8a4c'];
const RAMP_GOOD_DARK = ['#14304f', '#1d4f86', '#2a72bf', '#3d95e8', '#73b7ff'];
export const NO_VALUE = { light: '#f0f0f0', dark: '#2a3346' };

/**
 * Up to five equal-width classes over the values (whole numbers for counts). Darker is "more";
 * red when more is bad news, blue otherwise.
 */
export function bandsOf(values: (number | null)[], unit: FigureUnit, better: Better, dark = false): Band[] {
  const nums = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (!nums.length) return [];
  const ramp = better === 'down' ? (dark ? RAMP_BAD_DARK : RAMP_BAD) : dark ? RAMP_GOOD_DARK : RAMP_GOOD;
  const lo = Math.min(...nums);
  const hi = Math.max(...nums);
  if (lo === hi) return [{ min: lo, max: hi, color: ramp[2]! }];
  if (unit === 'count') {
    const span = hi - lo + 1;
    const n = Math.min(5, span);
    const step = Math.ceil(span / n);
    const out: Band[] = [];
    for (let i = 0, a = lo; a <= hi; i++, a += step) {
      out.push({
        min: a,
        max: Math.min(hi, a + step - 1),
        color: ramp[Math.round((i * 4) / Math.max(1, n - 1))]!,
      });
    }
    return out;
  }
  const step = (hi - lo) / 5;
  return Array.from({ length: 5 }, (_, i) => ({
    min: lo + step * i,
    max: i === 4 ? hi : lo + step * (i + 1),
    color: ramp[i]!,
  }));
}

export function bandLabel(t: TFunction, unit: FigureUnit, b: Band): string {
  if (unit === 'count') return b.min === b.max ? formatValue(t, unit, b.min) : `${b.min}–${b.max}`;
  const a = formatValue(t, unit, b.min);
  const z = formatValue(t, unit, b.max);
  return a === z ? a : `${a} – ${z}`;
}

/** A live clock (the screen's title bar), ticking every second. */
export function Clock({ render }: { render: (now: Dayjs) => ReactNode }) {
  const [now, setNow] = useState(() => dayjs());
  useEffect(() => {
    const id = setInterval(() => setNow(dayjs()), 1000);
    return () => clearInterval(id);
  }, []);
  return <>{render(now)}</>;
}

/* ---------------------------------------------------------------- what a period is compared with */

interface Compared {
  from: string;
  to: string;
  compare: 'previous' | 'year';
  unit: 'month' | 'day';
  shift: number;
  partial: boolean;
}

/** "11月1–20日", "2025年11月1–20日", "1–20 Nov 2025": a range of days for people. */
export function rangeText(lang: 'zh-CN' | 'en', from: string, to: string, thisYear = dayjs().year()): string {
  const a = dayjs(from);
  const b = dayjs(to);
  if (lang === 'en') {
    const year = a.year() === b.year() && b.year() === thisYear ? '' : ` ${b.year()}`;
    if (a.isSame(b, 'day')) return `${a.format('D MMM')}${year}`;
    if (a.isSame(b, 'month')) return `${a.date()}–${b.date()} ${b.format('MMM')}${year}`;
    return `${a.format('D MMM')}${a.year() !== b.year() ? ` ${a.year()}` : ''} – ${b.format('D MMM')}${year}`;
  }
  const y = (d: Dayjs) => (d.year() === thisYear ? '' : `${d.year()}年`);
  if (a.isSame(b, 'day')) return `${y(a)}${a.month() + 1}月${a.date()}日`;
  if (a.isSame(b, 'month')) return `${y(a)}${a.month() + 1}月${a.date()}–${b.date()}日`;
  return `${y(a)}${a.month() + 1}月${a.date()}日–${a.year() !== b.year() ? y(b) : ''}${b.month() + 1}月${b.date()}日`;
}

/** The sentence that says what the flow figures are compared with ("较上月同期（11月1–20日）"). */
export function compareText(t: TFunction, lang: 'zh-CN' | 'en', p: Compared): string {
  const range = rangeText(lang, p.from, p.to);
  if (p.compare === 'year') return t('dashx.cmp.yoy', { range });
  if (p.unit === 'day') return t('dashx.cmp.days', { n: p.shift, range });
  if (p.shift === 1) return t(p.partial ? 'dashx.cmp.monthPartial' : 'dashx.cmp.month', { range });
  if (p.shift === 3) return t(p.partial ? 'dashx.cmp.quarterPartial' : 'dashx.cmp.quarter', { range });
  if (p.shift === 12) return t(p.partial ? 'dashx.cmp.yearPartial' : 'dashx.cmp.year', { range });
  return t(p.partial ? 'dashx.cmp.monthsPartial' : 'dashx.cmp.months', { n: p.shift, range });
}

/** The comparison in a word, on each card. */
export function vsWord(t: TFunction, p: Compared): string {
  if (p.compare === 'year') return t('dashx.vsYear');
  return p.partial ? t('dashx.vsSameDays') : t('dash.vsPrevious');
}

/** "未落网格" and the like, by the kind of the level below. */
export function unassignedLabel(t: TFunction, kind: string | null): string {
  const kinds = ['street', 'community', 'grid', 'compound', 'group', 'building', 'unit', 'house'];
  return kind && kinds.includes(kind)
    ? t(`dashx.unassigned.${kind}` as 'dashx.unassigned.grid')
    : t('dashx.unassigned.other');
}
