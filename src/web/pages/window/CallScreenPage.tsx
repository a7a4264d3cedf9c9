import { Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { useT } from '../../app/i18n.js';
import { QueryState } from '../../app/ui.js';
import { useQueue } from './queries.js';

/** The hall's call screen: the tickets being called and how many wait, refreshed every 5 s. */
export default function CallScreenPage() {
  const t = useT();
  const [sp] = useSearchParams();
  const raw = sp.get('areaId');
  const areaId = raw && /^\d+$/.test(raw) ? Number(raw) : null;
  const q = useQueue(areaId, 5_000);
  return (
    <div style={{ minHeight: '100vh', background: '#0b2545', color: '#fff', padding: 32 }}>
      <QueryState query={q} isEmpty={(d) => d.tickets.length === 0} emptyText={t('window.queue.empty')}>
        {(d) => {
          const calling = d.tickets.filter((x) => x.status === 'called').slice(0, 6);
          return (
            <>
              <Typography.Title style={{ color: '#fff' }}>{t('window.screen.now')}</Typography.Title>
              <div
                style={{
                  display: 'grid',
                  gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))',
                  gap: 24,
                }}
              >
                {calling.map((x) => (
                  <div
                    key={x.id}
                    style={{
                      background: '#13315c',
                      borderRadius: 12,
                      padding: 24,
                      fontSize: 40,
                      textAlign: 'center',
                    }}
                    data-testid="screen-ticket"
                  >
                    {t('window.queue.called', { label: x.label, windowNo: x.windowNo ?? '' })}
                  </div>
                ))}
              </div>
              <Typography.Title level={2} style={{ color: '#fff', marginTop: 40 }}>
                {t('window.screen.next')}：{d.waiting}
              </Typography.Title>
            </>
          );
        }}
      </QueryState>
    </div>
  );
}
