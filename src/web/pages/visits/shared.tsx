import {
  AlertOutlined,
  CameraOutlined,
  CloseOutlined,
  CommentOutlined,
  PictureOutlined,
  PlusOutlined,
  TeamOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { Button, Card, Space, Tag, Typography } from 'antd';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { TAGS, type TagCode } from '../../../contract/tags.js';
import { useCan } from '../../app/auth.js';
import { type TFunction, useI18n, useT } from '../../app/i18n.js';
import { useOnline } from '../../app/outbox.js';
import { fmtTime as chinaTime } from '../../app/time.js';
import { useIsMobile } from '../../app/ui.js';
import type { CaseType } from '../cases/queries.js';
import type { ReportPrefillState } from '../cases/ReportPage.js';
import { tagColor } from '../registry/tags.js';
import { dueState, type PlanItem } from './queries.js';

// —— plan items ——

const DUE_COLOR = { overdue: 'error', today: 'warning', upcoming: 'processing' } as const;

/** "逾期 3 天" / "今天到期" / "3 天后到期". */
export function DueTag({ item }: { item: Pick<PlanItem, 'overdueDays' | 'dueOn'> }) {
  const t = useT();
  const s = dueState(item);
  const text =
    s === 'overdue'
      ? t('visit.overdueDays', { n: item.overdueDays })
      : s === 'today'
        ? t('visit.dueToday')
        : t('visit.dueInDays', { n: -item.overdueDays });
  return (
    <Tag
      color={DUE_COLOR[s]}
      icon={s === 'overdue' ? <WarningOutlined /> : undefined}
      style={{ marginInlineEnd: 0, whiteSpace: 'nowrap' }}
      data-testid="plan-due"
    >
      {text}
    </Tag>
  );
}

/** The tags as words (print, export, cards), in the UI language. */
export function personTagsText(tags: string[], lang: string): string {
  const l = lang === 'en' ? 'en' : 'zh';
  return tags.map((c) => (c in TAGS ? TAGS[c as TagCode][l] : c)).join('、');
}

/** The care/attention tags of a person, coloured, in the UI language (unknown codes as is). */
export function PersonTags({ tags }: { tags: string[] }) {
  const lang = useI18n().lang === 'en' ? 'en' : 'zh';
  if (tags.length === 0) return null;
  return (
    <Space size={[4, 4]} wrap>
      {tags.map((c) => (
        <Tag key={c} color={c in TAGS ? tagColor(c as TagCode) : 'default'} style={{ marginInlineEnd: 0 }}>
          {c in TAGS ? TAGS[c as TagCode][lang] : c}
        </Tag>
      ))}
    </Space>
  );
}

export function lastVisitText(t: TFunction, item: Pick<PlanItem, 'lastVisitOn'>): string {
  return item.lastVisitOn ? t('visit.lastVisit', { date: item.lastVisitOn }) : t('visit.neverVisited');
}

/** One person to visit, as a card (tap: the visit form). */
export function PlanCard({
  item,
  pending,
  onOpen,
  extra,
}: {
  item: PlanItem;
  /** A visit to this person waits in the outbox. */
  pending?: boolean;
  onOpen: () => void;
  extra?: ReactNode;
}) {
  const t = useT();
  const s = dueState(item);
  return (
    <button
      type="button"
      className={`jy-case-card jy-plan-card due-${s}${pending ? ' pending' : ''}`}
      onClick={onOpen}
      data-testid={`plan-card-${item.planId}`}
    >
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'flex-start' }}>
        <span className="jy-plan-name">
          {item.personName}
          {item.age !== null ? <span className="jy-plan-age">{t('visit.age', { n: item.age })}</span> : null}
        </span>
        <span style={{ display: 'inline-flex', gap: 4, flexWrap: 'wrap', justifyContent: 'flex-end' }}>
          {pending ? (
            <Tag color="orange" style={{ marginInlineEnd: 0 }} data-testid={`plan-pending-${item.planId}`}>
              {t('outbox.waiting')}
            </Tag>
          ) : null}
          <DueTag item={item} />
        </span>
      </div>
      {item.address ? <div className="jy-plan-address">{item.address}</div> : null}
      {item.tags.length > 0 ? (
        <div style={{ margin: '4px 0' }}>
          <PersonTags tags={item.tags} />
        </div>
      ) : null}
      <div className="jy-case-card-meta">
        <span>
          {item.ruleName}
          {item.mustVisit ? (
            <Tag
              color="red"
              bordered={false}
              style={{ marginInlineStart: 4, marginInlineEnd: 0, fontSize: 11 }}
            >
              {t('visit.mustVisit')}
            </Tag>
          ) : null}
        </span>
        <span>{lastVisitText(t, item)}</span>
        {item.visitor ? <span>{t('visit.visitorShort', { name: item.visitor.name })}</span> : null}
        {extra}
      </div>
    </button>
  );
}

// —— numbers ——

export function formatDistance(t: TFunction, m: number): string {
  return m >= 1000 ? t('patrol.km', { n: (m / 1000).toFixed(2) }) : t('patrol.m', { n: Math.round(m) });
}

export function formatClock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(h)}:${pad(m)}:${pad(sec)}`;
}

export function formatMinutes(t: TFunction, minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes % 60);
  return h > 0 ? t('span.hm', { h, m }) : t('span.m', { m });
}

/** The current time, every `ms` (the patrol clock). */
export function useTick(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

export function methodLabel(t: TFunction, m: string): string {
  return m === 'home' || m === 'phone' || m === 'elsewhere' ? t(`visit.method.${m}`) : m;
}

/** A time in China's zone (the app's one helper), '—' when none. */
export function fmtTime(v: string | null | undefined, format = 'YYYY-MM-DD HH:mm'): string {
  return chinaTime(v, format, '—');
}

// —— findings become cases ——

const FINDINGS: { type: CaseType; key: 'need' | 'hazard' | 'quarrel'; icon: ReactNode }[] = [
  { type: 'request', key: 'need', icon: <CommentOutlined /> },
  { type: 'event', key: 'hazard', icon: <AlertOutlined /> },
  { type: 'dispute', key: 'quarrel', icon: <TeamOutlined /> },
];

export interface FindingSource {
  kind: 'visit' | 'patrol';
  id: number;
  title?: string;
  description?: string;
  location?: { lat: number; lng: number } | null;
  address?: string;
  /** The person visited (a dispute's first party). */
  person?: { id: number; name: string };
}

/**
 * The report form for a finding: the case type, the source and the place in the address (a reload
 * keeps the link); the texts and the person ride in the router's state, so what was found about a
 * person stays out of URLs (history, logs).
 */
export function findingReport(type: CaseType, s: FindingSource): { to: string; state: ReportPrefillState } {
  const sp = new URLSearchParams({ type, sourceKind: s.kind, sourceId: String(s.id) });
  if (s.location) {
    sp.set('lat', String(s.location.lat));
    sp.set('lng', String(s.location.lng));
  }
  return {
    to: `/cases/new?${sp.toString()}`,
    state: {
      prefill: {
        title: s.title?.slice(0, 100),
        description: s.description?.slice(0, 4000),
        address: s.address?.slice(0, 200),
        person: s.person,
      },
    },
  };
}

/**
 * "由此发现上报": one tap opens the case report form of the right type, prefilled and linked to the
 * visit or patrol (a need → 居民诉求, a hazard → 网格事件, a quarrel → 矛盾纠纷).
 */
export function FindingPanel({ source, only }: { source: FindingSource; only?: CaseType[] }) {
  const t = useT();
  const can = useCan();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const online = useOnline();
  const types = FINDINGS.filter((f) => can(`${f.type}.report`) && (!only || only.includes(f.type)));
  if (types.length === 0) return null;
  return (
    <Card size="small" title={t('finding.title')} data-testid="finding-panel">
      <Typography.Paragraph type={online ? 'secondary' : 'warning'} style={{ marginBottom: 10 }}>
        {online ? t('finding.hint') : t('finding.offline')}
      </Typography.Paragraph>
      <div style={{ display: 'flex', flexDirection: mobile ? 'column' : 'row', gap: 8, flexWrap: 'wrap' }}>
        {types.map((f) => (
          <Button
            key={f.type}
            icon={f.icon}
            size={mobile ? 'large' : 'middle'}
            block={mobile}
            disabled={!online}
            onClick={() => {
              const r = findingReport(f.type, source);
              navigate(r.to, { state: r.state });
            }}
            data-testid={`finding-${f.type}`}
          >
            {t(`finding.${f.key}`)}
          </Button>
        ))}
      </div>
    </Card>
  );
}

// —— photos kept on the phone until the visit is sent ——

export interface LocalPhoto {
  uid: string;
  name: string;
  type: string;
  blob: Blob;
  preview: string;
}

let seq = 0;

/**
 * Photos of a visit: taken (camera) or picked, scaled down and kept on the phone as Blobs; they are
 * uploaded with the visit by the outbox, so a visit in a dead spot keeps its photos.
 */
export function LocalPhotoInput({
  value,
  onChange,
  max = 9,
}: {
  value?: LocalPhoto[];
  onChange?: (v: LocalPhoto[]) => void;
  max?: number;
}) {
  const t = useT();
  const mobile = useIsMobile();
  const items = value ?? [];
  const pickRef = useRef<HTMLInputElement>(null);
  const cameraRef = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(0);
  const itemsRef = useRef(items);
  itemsRef.current = items;

  useEffect(
    () => () => {
      for (const i of itemsRef.current) URL.revokeObjectURL(i.preview);
    },
    [],
  );

  const add = async (files: FileList | null) => {
    if (!files) return;
    const list = [...files]
      .filter((f) => f.type.startsWith('image/'))
      .slice(0, Math.max(0, max - items.length));
    setBusy((n) => n + list.length);
    const added: LocalPhoto[] = [];
    for (const file of list) {
      // The case pages' image code, fetched when a photo is first taken (my day does not wait for it).
      const { shrinkImage } = await import('../cases/shared.js');
      const blob = await shrinkImage(file);
      const name = blob === file ? file.name : `${file.name.replace(/\.[^.]+$/, '')}.jpg`;
      added.push({
        uid: `lp${++seq}`,
        name,
        type: blob.type || file.type,
        blob,
        preview: URL.createObjectURL(blob),
      });
    }
    setBusy((n) => n - list.length);
    onChange?.([...itemsRef.current, ...added].slice(0, max));
  };

  const remove = (uid: string) => {
    const gone = items.find((i) => i.uid === uid);
    if (gone) URL.revokeObjectURL(gone.preview);
    onChange?.(items.filter((i) => i.uid !== uid));
  };

  return (
    <div className="jy-photos" data-testid="visit-photos">
      {items.map((i) => (
        <div key={i.uid} className="jy-photo jy-photo-done" data-testid="photo-item">
          <img src={i.preview} alt={i.name} />
          <button
            type="button"
            className="jy-photo-remove"
            onClick={() => remove(i.uid)}
            aria-label={t('common.remove')}
          >
            <CloseOutlined />
          </button>
        </div>
      ))}
      {items.length + busy < max ? (
        <>
          {mobile ? (
            <button type="button" className="jy-photo-add" onClick={() => cameraRef.current?.click()}>
              <CameraOutlined style={{ fontSize: 20 }} />
              <span>{t('photos.camera')}</span>
            </button>
          ) : null}
          <button
            type="button"
            className="jy-photo-add"
            onClick={() => pickRef.current?.click()}
            data-testid="photo-add"
          >
            {mobile ? (
              <PictureOutlined style={{ fontSize: 20 }} />
            ) : (
              <PlusOutlined style={{ fontSize: 20 }} />
            )}
            <span>{mobile ? t('photos.album') : t('photos.add')}</span>
          </button>
        </>
      ) : null}
      <input
        ref={pickRef}
        type="file"
        accept="image/jpeg,image/png,image/webp"
        multiple
        style={{ display: 'none' }}
        data-testid="photo-input"
        onChange={(e) => {
          void add(e.target.files);
          e.target.value = '';
        }}
      />
      <input
        ref={cameraRef}
        type="file"
        accept="image/*"
        capture="environment"
        style={{ display: 'none' }}
        onChange={(e) => {
          void add(e.target.files);
          e.target.value = '';
        }}
      />
    </div>
  );
}
