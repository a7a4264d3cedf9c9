import { Card, Collapse, Descriptions, Tag } from 'antd';
import { LIMIT_UNITS, MATTER_LEVELS, MATTER_TYPES } from '../../../contract/window.js';
import { useI18n, useT } from '../../app/i18n.js';
import type { Matter } from './queries.js';

/** A matter's elements and FAQs as the desk and the public guide show them. */
export function MatterFacts({ m }: { m: Matter }) {
  const t = useT();
  const { lang } = useI18n();
  const li = lang === 'en' ? 1 : 0;
  const limit = m.instant
    ? t('window.limit.instant')
    : `${m.promisedLimit} / ${m.legalLimit} ${LIMIT_UNITS[m.limitUnit as 'wday']?.[li] ?? ''}`;
  return (
    <Card size="small" title={t('window.matter.basics')}>
      <Descriptions size="small" column={{ xs: 1, sm: 2 }} data-testid="matter-facts">
        <Descriptions.Item label={t('window.col.code')}>{m.baseCode}</Descriptions.Item>
        <Descriptions.Item label={t('window.col.department')}>{m.department}</Descriptions.Item>
        <Descriptions.Item label={t('window.field.type')}>
          {MATTER_TYPES[m.type as keyof typeof MATTER_TYPES]?.[li] ?? '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('window.field.level')}>
          {MATTER_LEVELS[m.level as keyof typeof MATTER_LEVELS]?.[li] ?? '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('window.field.limit')}>{limit}</Descriptions.Item>
        <Descriptions.Item label={t('window.col.version')}>
          {t('window.version', { n: m.version })} <Tag>{t(`window.status.${m.status}`)}</Tag>
        </Descriptions.Item>
        {m.limitNote ? (
          <Descriptions.Item label={t('window.field.note')}>{String(m.limitNote)}</Descriptions.Item>
        ) : null}
        {m.conditions ? (
          <Descriptions.Item label={t('window.field.conditions')}>{String(m.conditions)}</Descriptions.Item>
        ) : null}
        <Descriptions.Item label={t('window.field.place')}>{String(m.place ?? '—')}</Descriptions.Item>
        <Descriptions.Item label={t('window.field.hours')}>{String(m.hours ?? '—')}</Descriptions.Item>
        <Descriptions.Item label={t('window.field.fees')}>{String(m.fees ?? '—')}</Descriptions.Item>
        <Descriptions.Item label={t('window.field.contacts')}>{String(m.contacts ?? '—')}</Descriptions.Item>
        <Descriptions.Item label={t('window.field.effective')}>{m.effectiveOn}</Descriptions.Item>
      </Descriptions>
      {m.faqs.length ? (
        <Collapse
          size="small"
          style={{ marginTop: 12 }}
          items={m.faqs.map((f, i) => ({ key: String(i), label: f.q, children: f.a }))}
        />
      ) : null}
    </Card>
  );
}
