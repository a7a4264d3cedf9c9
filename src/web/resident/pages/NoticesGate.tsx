import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import type { ResidentMe } from '../../../contract/residents.js';
import { errorMessage, request } from '../../app/api.js';
import { useT } from '../../app/i18n.js';
import ResidentNoticePage from '../../pages/notices/ResidentNoticePage.js';
import ResidentNoticesPage from '../../pages/notices/ResidentNoticesPage.js';
import { rget, useResidentMe } from '../api.js';
import { Empty, Failed, FieldError, Loading, Page } from '../ui.js';

interface Place {
  id: number;
  name: string;
  kind: 'street' | 'community';
  streetName: string | null;
}

/**
 * 选择社区: an unverified account picks the community (or the street) whose public notices it
 * reads; it can change its choice at any time. A verified account's place comes from the registry.
 */
export function PlacePicker({ me, onDone }: { me: ResidentMe; onDone?: () => void }) {
  const t = useT();
  const qc = useQueryClient();
  const places = useQuery({
    queryKey: ['resident', 'places'],
    queryFn: () => rget<Place[]>('/api/resident/places'),
    staleTime: 3600_000,
  });
  const [areaId, setAreaId] = useState<string>(me.place ? String(me.place.id) : '');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setError(undefined);
    if (!areaId) {
      setError(t('resident.place.pick'));
      return;
    }
    setBusy(true);
    try {
      const next = await request<ResidentMe>('/api/resident/place', {
        method: 'PUT',
        body: { areaId: Number(areaId) },
        noAuthRedirect: true,
      });
      qc.setQueryData(['resident', 'me'], next);
      onDone?.();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  if (places.isPending) return <Loading />;
  if (places.error) return <Failed error={places.error} retry={() => void places.refetch()} />;
  if (places.data.length === 0) return <Empty>{t('resident.place.none')}</Empty>;
  return (
    <div className="r-form">
      <div>
        <label htmlFor="r-place">{t('resident.place.label')}</label>
        <select
          id="r-place"
          value={areaId}
          onChange={(e) => setAreaId(e.target.value)}
          aria-invalid={!!error}
          aria-describedby={error ? 'r-place-err' : undefined}
        >
          <option value="">{t('resident.report.categoryPick')}</option>
          {places.data.map((p) => (
            <option key={p.id} value={p.id}>
              {p.kind === 'street' ? t('resident.place.wholeStreet', { name: p.name }) : p.name}
              {p.kind === 'community' && p.streetName ? ` · ${p.streetName}` : ''}
            </option>
          ))}
        </select>
        <FieldError id="r-place-err" text={error} />
      </div>
      <button type="button" className="r-btn r-block" onClick={save} disabled={busy}>
        {t('resident.place.save')}
      </button>
    </div>
  );
}

/**
 * 通知公告 in the resident shell. A verified account reads its place's notices (read receipts
 * counted); an unverified one reads only the PUBLIC notices of the community or street it chose
 * (the public notices routes), and nothing else.
 */
export default function NoticesGate() {
  const t = useT();
  const me = useResidentMe();
  const [choosing, setChoosing] = useState(false);
  if (me.isPending) return <Loading />;
  if (me.error) return <Failed error={me.error} retry={() => void me.refetch()} />;
  if (me.data.state === 'verified') return <ResidentNoticesPage />;
  if (!me.data.place || choosing)
    return (
      <Page title={t('resident.notices.title')} back="/r">
        <p className="r-hint">{t('resident.place.hint')}</p>
        <PlacePicker me={me.data} onDone={() => setChoosing(false)} />
      </Page>
    );
  return (
    <>
      <div className="r-note">
        <p>{t('resident.place.reading', { name: me.data.place.name })}</p>
        <button type="button" className="r-btn r-secondary" onClick={() => setChoosing(true)}>
          {t('resident.place.change')}
        </button>{' '}
        <Link className="r-btn r-secondary" to="/r/bind">
          {t('resident.unverifiedAction')}
        </Link>
      </div>
      <ResidentNoticesPage publicAreaId={me.data.place.id} />
    </>
  );
}

/** One notice: through the resident routes when verified, the public ones otherwise. */
export function NoticeGate() {
  const me = useResidentMe();
  if (me.isPending) return <Loading />;
  if (me.error) return <Failed error={me.error} retry={() => void me.refetch()} />;
  return <ResidentNoticePage publicView={me.data.state !== 'verified'} />;
}
