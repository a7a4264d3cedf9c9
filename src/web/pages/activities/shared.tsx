import { Tag } from 'antd';
import {
  ACTIVITY_STATUS_LABELS,
  CHECK_METHOD_LABELS,
  HOURS_STATUS_LABELS,
  OWNER_KIND_LABELS,
  SIGNUP_STATUS_LABELS,
} from '../../../contract/activities.js';
import { useI18n } from '../../app/i18n.js';

type Labels = Record<string, { zh: string; en: string }>;

/** A code's label in the UI language (never the code itself). */
export function useLabel() {
  const { lang } = useI18n();
  return (table: Labels, code: string | null | undefined) =>
    code && table[code] ? table[code][lang === 'en' ? 'en' : 'zh'] : '—';
}

export const TABLES = {
  status: ACTIVITY_STATUS_LABELS as Labels,
  signup: SIGNUP_STATUS_LABELS as Labels,
  hours: HOURS_STATUS_LABELS as Labels,
  method: CHECK_METHOD_LABELS as Labels,
  owner: OWNER_KIND_LABELS as Labels,
};

const STATUS_COLOURS: Record<string, string> = {
  draft: 'default',
  published: 'processing',
  hours_confirmed: 'success',
  cancelled: 'error',
  pending: 'warning',
  confirmed: 'success',
  rejected: 'error',
  waitlisted: 'warning',
  none: 'default',
};

export function CodeTag({ table, code }: { table: Labels; code: string }) {
  const label = useLabel();
  return <Tag color={STATUS_COLOURS[code] ?? 'default'}>{label(table, code)}</Tag>;
}
