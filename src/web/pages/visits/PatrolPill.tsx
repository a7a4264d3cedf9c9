import { FlagOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useT } from '../../app/i18n.js';
import { useIsMobile } from '../../app/ui.js';
import { resumeTracking, useTracker } from './tracker.js';

function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/**
 * The header's sign of a patrol being recorded (tap: the patrol page). Mounted by the shell for
 * users who patrol; it also resumes recording the patrol left open before a reload.
 */
export function PatrolPill({ userId }: { userId: number }) {
  const t = useT();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const tracker = useTracker();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => resumeTracking(userId), [userId]);
  const active = tracker.patrolId !== null && tracker.userId === userId;
  useEffect(() => {
    if (!active || mobile) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [active, mobile]);
  if (!active || pathname === `/patrols/${tracker.patrolId}`) return null;
  return (
    <Button
      type="text"
      className="jy-patrol-pill"
      onClick={() => navigate(`/patrols/${tracker.patrolId}`)}
      aria-label={t('patrol.running')}
      data-testid="patrol-pill"
      icon={<FlagOutlined />}
    >
      <span className="jy-pulse" />
      {mobile ? null : <span className="jy-mono">{clock(now - Date.parse(tracker.startedAt ?? ''))}</span>}
    </Button>
  );
}
