import { Button, Result, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, describeError } from '../../app/api.js';
import { useT } from '../../app/i18n.js';
import type { CheckResult } from './queries.js';

/** Where the QR code leads the participant's phone: check in (or out) with the code, and the place if allowed. */
export default function CheckinPage() {
  const t = useT();
  const navigate = useNavigate();
  const [sp] = useSearchParams();
  const token = sp.get('t');
  const [state, setState] = useState<{ ok?: CheckResult; error?: string } | null>(null);
  const sent = useRef(false);
  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    const send = (pos?: GeolocationPosition) =>
      api
        .post<CheckResult>('/api/activities/checkin', {
          token,
          ...(pos ? { lat: pos.coords.latitude, lng: pos.coords.longitude } : {}),
        })
        .then((r) => setState({ ok: r }))
        .catch((e) => setState({ error: describeError(e) }));
    // The place helps the organiser (a scan far away is flagged); without it the scan still counts.
    if (typeof navigator !== 'undefined' && navigator.geolocation)
      navigator.geolocation.getCurrentPosition(
        (p) => void send(p),
        () => void send(),
        { timeout: 4000, maximumAge: 60_000 },
      );
    else void send();
  }, [token]);
  const back = (
    <Button type="primary" onClick={() => navigate('/my-activities')}>
      {t('act.scan.again')}
    </Button>
  );
  if (!token)
    return <Result status="info" title={t('act.scan.title')} subTitle={t('act.scan.noToken')} extra={back} />;
  if (!state) return <Result icon={<Spin size="large" />} title={t('act.scan.working')} />;
  if (state.error)
    return (
      <Result
        status="error"
        title={t('act.scan.title')}
        subTitle={state.error}
        extra={back}
        data-testid="scan-error"
      />
    );
  const r = state.ok!;
  return (
    <Result
      status="success"
      data-testid="scan-ok"
      title={r.direction === 'in' ? t('act.scan.in') : t('act.scan.out')}
      subTitle={[
        r.direction === 'out' ? t('act.scan.credited', { minutes: r.creditedMinutes ?? 0 }) : '',
        r.flag?.includes('far') ? t('act.scan.far') : '',
      ]
        .filter(Boolean)
        .join(' ')}
      extra={back}
    />
  );
}
