import { Tag } from 'antd';
import {
  AUDIENCE_LABELS,
  type Audience,
  CHANNEL_LABELS,
  type Channel,
  COUNTING_LABELS,
  type PublicationStatus,
  STATUS_LABELS,
} from '../../../contract/publications.js';
import { useI18n } from '../../app/i18n.js';
import { fmtTime as chinaTime } from '../../app/time.js';

/** The language key of the contract's code tables. */
export function useL(): 'zh' | 'en' {
  return useI18n().lang === 'en' ? 'en' : 'zh';
}

const STATUS_COLOR: Record<PublicationStatus, string> = {
  draft: 'default',
  review: 'processing',
  approved: 'cyan',
  published: 'success',
  corrected: 'warning',
  taken_down: 'default',
};

export function StatusTag({ status }: { status: PublicationStatus }) {
  const l = useL();
  return <Tag color={STATUS_COLOR[status]}>{STATUS_LABELS[status][l]}</Tag>;
}
export const statusText = (s: PublicationStatus, l: 'zh' | 'en') => STATUS_LABELS[s][l];
export const audienceText = (a: Audience, l: 'zh' | 'en') => AUDIENCE_LABELS[a][l];
export const channelsText = (c: Channel[], l: 'zh' | 'en') => c.map((x) => CHANNEL_LABELS[x][l]).join('、');
export const countingText = (c: 'civil' | 'wday', l: 'zh' | 'en') => COUNTING_LABELS[c][l];

/** An instant as a China date and time (YYYY-MM-DD HH:mm), through the app's one time helper. */
export const fmtTime = (iso: string | null): string => chinaTime(iso, 'YYYY-MM-DD HH:mm', '—');
export const fmtDay = (iso: string | null) => chinaTime(iso, 'YYYY-MM-DD', '—');
