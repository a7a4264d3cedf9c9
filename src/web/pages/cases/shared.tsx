import {
  CameraOutlined,
  ClockCircleOutlined,
  CloseOutlined,
  ExclamationCircleOutlined,
  FilePdfOutlined,
  PictureOutlined,
  PlusOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { Image, Progress, Space, Tag, Tooltip, Typography } from 'antd';
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import {
  type Category,
  DISPUTE_TYPES,
  EVENT_CATEGORIES,
  leaves,
  REQUEST_CATEGORIES,
} from '../../../contract/case-codes.js';
import { errorMessage } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { type TFunction, useT } from '../../app/i18n.js';
import { fmtTime } from '../../app/time.js';
import { useIsMobile } from '../../app/ui.js';
import { AreaMap, type MapMarker, type MapShape } from '../areas/AreaMap.js';
import type { LngLat } from '../areas/geo.js';
import { useArea } from '../areas/queries.js';
import { useCodeLang } from '../registry/shared.js';
import { type Attachment, type CaseState, type CaseType, uploadAttachment, useCaseTypes } from './queries.js';

export type CodeRow = { code: string; zh: string; en: string };

export const CATEGORY_TREES: Record<CaseType, Category[]> = {
  event: EVENT_CATEGORIES,
  dispute: DISPUTE_TYPES,
  request: REQUEST_CATEGORIES,
};

export interface CascaderOption {
  value: string;
  label: string;
  children?: CascaderOption[];
}

/** Code tables of the case module in the UI language. */
export function useCaseCodes() {
  const lang = useCodeLang();
  const declared = useCaseTypes().data;
  return useMemo(() => {
    /** A category's name: the built-in tables, then the declared types' (other modules). */
    const category = (type: string | undefined, code: string | null | undefined): string => {
      if (!code) return '—';
      const all: Record<string, { code: string; zh: string; en: string }[]> = {
        ...Object.fromEntries((declared ?? []).map((d) => [d.code, d.categories])),
        ...CATEGORY_TREES,
      };
      const trees = type ? [all[type] ?? []] : Object.values(all);
      for (const tree of trees) {
        const c = tree.find((x) => x.code === code);
        if (c) return c[lang];
      }
      return code;
    };
    /**
     * The category tree as cascader options: groups with their leaves. A group with one leaf of the
     * same name shows as that leaf alone. `groups`: a group itself may be picked (filters).
     */
    const categoryOptions = (type: CaseType): CascaderOption[] => {
      const tree = CATEGORY_TREES[type];
      const leafSet = new Set(leaves(tree).map((c) => c.code));
      return tree
        .filter((c) => c.parent === null)
        .map((g) => {
          const kids = tree.filter((c) => c.parent === g.code && leafSet.has(c.code));
          if (kids.length === 1 && kids[0]![lang] === g[lang]) {
            return { value: kids[0]!.code, label: g[lang] };
          }
          return {
            value: g.code,
            label: g[lang],
            children: kids.map((k) => ({ value: k.code, label: k[lang] })),
          };
        });
    };
    /** The cascader path of a code (group, leaf), as categoryOptions builds it. */
    const categoryPath = (type: CaseType, code: string | undefined): string[] | undefined => {
      if (!code) return undefined;
      const opts = categoryOptions(type);
      for (const o of opts) {
        if (o.value === code) return [code];
        if (o.children?.some((k) => k.value === code)) return [o.value, code];
      }
      return undefined;
    };
    return {
      lang,
      category,
      categoryOptions,
      categoryPath,
      label: (table: CodeRow[], code: string | null | undefined) =>
        code ? (table.find((r) => r.code === code)?.[lang] ?? code) : '—',
      options: (table: CodeRow[]) => table.map((r) => ({ value: r.code, label: r[lang] })),
    };
  }, [lang, declared]);
}

export const STATE_COLOR: Record<CaseState, string> = {
  reported: 'orange',
  accepted: 'gold',
  dispatched: 'cyan',
  handling: 'processing',
  feedback: 'purple',
  closed: 'success',
  rejected: 'default',
  pending: 'magenta',
};

/** Point colours on the map, by state. */
export const STATE_HEX: Record<CaseState, string> = {
  reported: '#fa8c16',
  accepted: '#d4a106',
  dispatched: '#13c2c2',
  handling: '#1677ff',
  feedback: '#722ed1',
  closed: '#52c41a',
  rejected: '#8c8c8c',
  pending: '#eb2f96',
};

export const SLA_HEX = ['#52c41a', '#faad14', '#f5222d', '#a8071a'] as const;

/**
 * A case type's own words for a state or action (`words` of `GET /api/cases/types`, e.g. 待补正
 * for a service application's `pending`), or null for the common one.
 */
export function useTypeWords(type: string | undefined): (key: string) => string | null {
  const lang = useCodeLang();
  const declared = useCaseTypes().data;
  return useMemo(() => {
    const words = (declared ?? []).find((d) => d.code === type)?.words ?? {};
    return (key: string) => words[key]?.[lang] ?? null;
  }, [declared, type, lang]);
}

export function CaseStateTag({ state, type }: { state: CaseState; type?: string }) {
  const t = useT();
  const own = useTypeWords(type);
  return (
    <Tag color={STATE_COLOR[state]} style={{ marginInlineEnd: 0 }} data-testid="case-state">
      {own(state) ?? t(`caseState.${state}`)}
    </Tag>
  );
}

export function UrgencyTag({ urgency, hideNormal }: { urgency: 'normal' | 'urgent'; hideNormal?: boolean }) {
  const t = useT();
  if (urgency === 'normal' && hideNormal) return null;
  return (
    <Tag
      color={urgency === 'urgent' ? 'red' : 'default'}
      icon={urgency === 'urgent' ? <ExclamationCircleOutlined /> : undefined}
      style={{ marginInlineEnd: 0 }}
    >
      {t(`urgency.${urgency}`)}
    </Tag>
  );
}

const TYPE_COLOR: Record<CaseType, string> = { event: 'blue', dispute: 'volcano', request: 'green' };
const isBuiltin = (type: string): type is CaseType => Object.hasOwn(TYPE_COLOR, type);

/** A case type's name: the built-ins' own words, another module's from its declaration. */
export function useCaseTypeName() {
  const t = useT();
  const lang = useCodeLang();
  const declared = useCaseTypes().data;
  return (type: string) =>
    isBuiltin(type) ? t(`caseType.${type}`) : (declared?.find((d) => d.code === type)?.[lang] ?? type);
}

export function CaseTypeTag({ type }: { type: string }) {
  const name = useCaseTypeName();
  return (
    <Tag color={isBuiltin(type) ? TYPE_COLOR[type] : 'geekblue'} style={{ marginInlineEnd: 0 }}>
      {name(type)}
    </Tag>
  );
}

/** The current time, refreshed every `ms` (countdowns). */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** A span of time for people: "2天3小时", "3小时20分", "12分钟". */
export function formatSpan(t: TFunction, ms: number): string {
  const mins = Math.max(0, Math.floor(Math.abs(ms) / 60_000));
  const d = Math.floor(mins / 1440);
  const h = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  if (d > 0) return h > 0 && d < 10 ? t('span.dh', { d, h }) : t('span.d', { d });
  if (h > 0) return m > 0 ? t('span.hm', { h, m }) : t('span.h', { h });
  return t('span.m', { m: Math.max(m, 1) });
}

/** "剩余 3小时" / "超期 2天" for a deadline. */
export function deadlineText(t: TFunction, due: string, now: number): { text: string; overdue: boolean } {
  const ms = new Date(due).getTime() - now;
  return ms >= 0
    ? { text: t('deadline.left', { span: formatSpan(t, ms) }), overdue: false }
    : { text: t('deadline.overdue', { span: formatSpan(t, ms) }), overdue: true };
}

/** Colour of a deadline: by the supervision level the server set, red when past anyway. */
export function slaColor(slaLevel: number, overdue: boolean): string {
  if (slaLevel >= 2 || overdue) return 'error';
  if (slaLevel === 1) return 'warning';
  return 'default';
}

/** A deadline as a tag with its countdown; the date in the tooltip. */
export function DeadlineTag({
  due,
  slaLevel,
  label,
  now,
  'data-testid': testId,
}: {
  due: string | null;
  slaLevel: number;
  label?: ReactNode;
  now?: number;
  'data-testid'?: string;
}) {
  const t = useT();
  const ticking = useNow(30_000);
  if (!due) return <Typography.Text type="secondary">—</Typography.Text>;
  const { text, overdue } = deadlineText(t, due, now ?? ticking);
  const color = slaColor(slaLevel, overdue);
  return (
    <Tooltip title={`${label ? `${label}：` : ''}${fmtTime(due, 'YYYY-MM-DD HH:mm')}`}>
      <Tag
        color={color}
        icon={overdue || slaLevel >= 1 ? <WarningOutlined /> : <ClockCircleOutlined />}
        style={{ marginInlineEnd: 0, whiteSpace: 'nowrap' }}
        data-testid={testId}
      >
        {label ? `${label} ` : ''}
        {text}
      </Tag>
    </Tooltip>
  );
}

// —— photos and attachments ——

const ACCEPTED = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'];
const MAX_BYTES = 10 * 1024 * 1024;
/** Photos above this are scaled down before upload (phone cameras: 3–12 MB). */
const SHRINK_ABOVE = 2 * 1024 * 1024;
const MAX_EDGE = 2560;

export interface PhotoItem {
  uid: string;
  name: string;
  mime: string;
  /** A local object URL (images) while uploading, the served URL after. */
  preview?: string;
  percent: number;
  status: 'uploading' | 'done' | 'error';
  error?: string;
  attachment?: Attachment;
}

/** Attachment ids of the uploaded items (undefined when none). */
export function attachmentIdsOf(items: PhotoItem[] | undefined): number[] | undefined {
  const ids = (items ?? []).filter((i) => i.status === 'done' && i.attachment).map((i) => i.attachment!.id);
  return ids.length > 0 ? ids : undefined;
}

/** A form rule: wait until the uploads are done. */
export function photosReadyRule(t: TFunction) {
  return {
    validator: (_: unknown, v?: PhotoItem[]) =>
      (v ?? []).some((i) => i.status === 'uploading')
        ? Promise.reject(new Error(t('photos.stillUploading')))
        : Promise.resolve(),
  };
}

/** A phone photo scaled down for upload (big or unusual formats as JPEG; the file itself otherwise). */
export async function shrinkImage(file: File): Promise<Blob> {
  const needs = file.size > SHRINK_ABOVE || !ACCEPTED.includes(file.type);
  if (!needs || !file.type.startsWith('image/') || typeof createImageBitmap !== 'function') return file;
  try {
    const bmp = await createImageBitmap(file);
    const scale = Math.min(1, MAX_EDGE / Math.max(bmp.width, bmp.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bmp.width * scale);
    canvas.height = Math.round(bmp.height * scale);
    canvas.getContext('2d')?.drawImage(bmp, 0, 0, canvas.width, canvas.height);
    bmp.close();
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', 0.85));
    return blob && blob.size < file.size ? blob : file;
  } catch {
    return file;
  }
}

let uidSeq = 0;

/**
 * Photos (and, with `pdf`, documents) of a form: each file is uploaded at once with its progress
 * (POST /api/cases/attachments) and can be removed; the form gets the items, `attachmentIdsOf` turns
 * them into ids. On phones a second button opens the camera.
 */
export function PhotoInput({
  value,
  onChange,
  max = 9,
  pdf,
  'data-testid': testId,
}: {
  value?: PhotoItem[];
  onChange?: (items: PhotoItem[]) => void;
  max?: number;
  pdf?: boolean;
  'data-testid'?: string;
}) {
  const t = useT();
  const mobile = useIsMobile();
  const [items, setItems] = useState<PhotoItem[]>(value ?? []);
  const pickRef = useRef<HTMLInputElement>(null);
  const cameraRef = useRef<HTMLInputElement>(null);
  const aborts = useRef(new Map<string, AbortController>());
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const first = useRef(true);

  // The form reset the field: forget the items.
  useEffect(() => {
    if ((value === undefined || value.length === 0) && !first.current) setItems([]);
  }, [value]);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    onChangeRef.current?.(items);
  }, [items]);
  useEffect(() => {
    const map = aborts.current;
    return () => {
      for (const a of map.values()) a.abort();
    };
  }, []);

  const patch = (uid: string, p: Partial<PhotoItem>) =>
    setItems((prev) => prev.map((i) => (i.uid === uid ? { ...i, ...p } : i)));

  const add = (files: FileList | null) => {
    if (!files) return;
    const room = max - items.length;
    const list = [...files].slice(0, Math.max(0, room));
    for (const file of list) {
      const uid = `p${++uidSeq}`;
      const isImage = file.type.startsWith('image/');
      const item: PhotoItem = {
        uid,
        name: file.name,
        mime: file.type,
        preview: isImage ? URL.createObjectURL(file) : undefined,
        percent: 0,
        status: 'uploading',
      };
      const allowed = isImage || (pdf && file.type === 'application/pdf');
      if (!allowed) {
        setItems((prev) => [...prev, { ...item, status: 'error', error: t('photos.badType') }]);
        continue;
      }
      setItems((prev) => [...prev, item]);
      const ctl = new AbortController();
      aborts.current.set(uid, ctl);
      void (async () => {
        try {
          const blob = await shrinkImage(file);
          if (blob.size > MAX_BYTES) throw new Error(t('photos.tooBig'));
          const name = blob === file ? file.name : `${file.name.replace(/\.[^.]+$/, '')}.jpg`;
          const att = await uploadAttachment(blob, {
            fileName: name,
            signal: ctl.signal,
            onProgress: (percent) => patch(uid, { percent }),
          });
          patch(uid, { status: 'done', percent: 100, attachment: att });
        } catch (e) {
          if (e instanceof DOMException && e.name === 'AbortError') return;
          patch(uid, { status: 'error', error: errorMessage(e) });
        } finally {
          aborts.current.delete(uid);
        }
      })();
    }
  };

  const remove = (uid: string) => {
    aborts.current.get(uid)?.abort();
    setItems((prev) => {
      const gone = prev.find((i) => i.uid === uid);
      if (gone?.preview?.startsWith('blob:')) URL.revokeObjectURL(gone.preview);
      return prev.filter((i) => i.uid !== uid);
    });
  };

  const accept = `image/jpeg,image/png,image/webp${pdf ? ',application/pdf' : ''}`;
  return (
    <div className="jy-photos" data-testid={testId}>
      {items.map((i) => (
        <div key={i.uid} className={`jy-photo jy-photo-${i.status}`} data-testid="photo-item">
          {i.preview ? (
            <img src={i.preview} alt={i.name} />
          ) : (
            <div className="jy-photo-file">
              <FilePdfOutlined style={{ fontSize: 24 }} />
              <span>{i.name}</span>
            </div>
          )}
          {i.status === 'uploading' ? (
            <div className="jy-photo-overlay">
              <Progress
                type="circle"
                percent={i.percent}
                size={40}
                strokeColor="#fff"
                railColor="#ffffff55"
              />
            </div>
          ) : null}
          {i.status === 'error' ? (
            <Tooltip title={i.error}>
              <div className="jy-photo-overlay jy-photo-error">
                <WarningOutlined /> {t('photos.failed')}
              </div>
            </Tooltip>
          ) : null}
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
      {items.length < max ? (
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
            <span>{mobile ? t('photos.album') : pdf ? t('photos.addFile') : t('photos.add')}</span>
          </button>
        </>
      ) : null}
      <input
        ref={pickRef}
        type="file"
        accept={accept}
        multiple
        style={{ display: 'none' }}
        data-testid="photo-input"
        onChange={(e) => {
          add(e.target.files);
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
          add(e.target.files);
          e.target.value = '';
        }}
      />
    </div>
  );
}

/** Photos as thumbnails (click: the viewer), other files as links. */
export function AttachmentList({ items, size = 72 }: { items: Attachment[]; size?: number }) {
  if (items.length === 0) return null;
  const images = items.filter((a) => a.mime.startsWith('image/'));
  const files = items.filter((a) => !a.mime.startsWith('image/'));
  return (
    <Space orientation="vertical" size={6} style={{ width: '100%' }}>
      {images.length > 0 ? (
        <Image.PreviewGroup>
          <Space size={6} wrap>
            {images.map((a) => (
              <Image
                key={a.id}
                src={a.url}
                alt={a.name}
                width={size}
                height={size}
                style={{ objectFit: 'cover', borderRadius: 6 }}
                data-testid="case-photo"
              />
            ))}
          </Space>
        </Image.PreviewGroup>
      ) : null}
      {files.map((a) => (
        <a key={a.id} href={a.url} target="_blank" rel="noreferrer">
          <FilePdfOutlined /> {a.name}
        </a>
      ))}
    </Space>
  );
}

// —— maps ——

export const toLngLat = (p: { lat: number; lng: number }): LngLat => [p.lng, p.lat];

/**
 * A case's point within the outline of its area (GET /api/areas/:id, when the user may read areas);
 * without a point, the outline alone.
 */
export function CasePointMap({
  location,
  areaId,
  height = 220,
}: {
  location: { lat: number; lng: number } | null;
  areaId: number;
  height?: number;
}) {
  const can = useCan();
  const area = useArea(can('area.read') ? areaId : null);
  const shapes: MapShape[] = useMemo(() => {
    const b = area.data?.boundary;
    if (!b || !area.data) return [];
    return [
      { id: area.data.id, name: area.data.name, kind: area.data.kind, ring: b.coordinates[0] as LngLat[] },
    ];
  }, [area.data]);
  const markers: MapMarker[] = location
    ? [{ id: 1, at: toLngLat(location), color: '#f5222d', kind: 'pin' }]
    : [];
  const center = area.data?.center ? (area.data.center as LngLat) : location ? toLngLat(location) : null;
  if (!location && shapes.length === 0) return null;
  return (
    <AreaMap
      shapes={shapes}
      markers={markers}
      fallbackCenter={center}
      fitKey={`${shapes.length}-${location?.lat ?? ''}-${location?.lng ?? ''}`}
      height={height}
      data-testid="case-map"
    />
  );
}
