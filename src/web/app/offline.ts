import { ApiError, request, uploadFile } from './api.js';

/**
 * The outbox: writes (POSTs) made on a phone in a dead spot. Each item is stored in IndexedDB with
 * its Idempotency-Key, its JSON body and its attachments (Blobs, uploaded first), and is sent in the
 * order written when the connection returns: the window's `online` event, every start of the app,
 * a minute's retry while something waits, or `flush()` ("立即发送"). A replay carries the same key
 * (and the same attachment ids once uploaded), so the server stores the write once.
 *
 * An item belongs to the user who wrote it: a phone shared by two workers sends each one's items
 * only while that one is signed in.
 *
 * Generic: a module builds an `OutboxDraft` (url, body, attachments, what to refetch afterwards) and
 * calls `submit` (try now, fall back to the queue) or `enqueue` (queue only).
 */

export interface OutboxAttachment {
  name: string;
  type: string;
  blob: Blob;
  /** The attachment's id once uploaded (kept so a retry does not upload it again). */
  id?: number;
}

export type OutboxValue = string | number | boolean | null;

export interface OutboxItem {
  /** The Idempotency-Key, also the record's key. */
  key: string;
  userId: number;
  /** What it is, for the list (`outbox.kind.<kind>` when that message exists), e.g. 'visit'. */
  kind: string;
  /** Who or what it is about, shown in the list (e.g. the person visited). */
  label: string;
  url: string;
  body: Record<string, unknown>;
  attachments: OutboxAttachment[];
  /** Where attachments are uploaded (multipart `file`), and the body field their ids go to. */
  uploadUrl: string;
  attachField: string;
  /** Query keys to refetch once it is sent (e.g. [['visits']]). */
  invalidate: (string | number)[][];
  /**
   * Error codes that mean the write already took effect (a replay of something the server has,
   * where the route is not idempotent, e.g. finishing a patrol already finished): counted as sent.
   */
  settledBy?: string[];
  /** Free data for the module that wrote it (e.g. the person or patrol it concerns). */
  meta: Record<string, OutboxValue>;
  createdAt: number;
  seq: number;
  attempts: number;
  /** waiting: will be sent; failed: the server refused it (kept so the user sees why). */
  state: 'waiting' | 'failed';
  error?: string;
  lastTriedAt?: number;
}

export type OutboxDraft = Pick<OutboxItem, 'key' | 'userId' | 'kind' | 'label' | 'url' | 'body'> &
  Partial<
    Pick<OutboxItem, 'attachments' | 'uploadUrl' | 'attachField' | 'invalidate' | 'settledBy' | 'meta'>
  >;

export type SubmitResult<T> =
  | { status: 'sent'; result: T }
  | { status: 'queued' }
  | { status: 'failed'; error: ApiError };

// —— storage: IndexedDB, or memory when the browser has none (the queue then lasts for this page) ——

const DB_NAME = 'jiayuan-outbox';
const STORE = 'items';
let dbPromise: Promise<IDBDatabase | null> | null = null;
const memory = new Map<string, OutboxItem>();

function openDb(): Promise<IDBDatabase | null> {
  dbPromise ??= new Promise<IDBDatabase | null>((resolve) => {
    try {
      if (typeof indexedDB === 'undefined') return resolve(null);
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(STORE))
          req.result.createObjectStore(STORE, { keyPath: 'key' });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(null);
      req.onblocked = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
  return dbPromise;
}

function tx<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>): Promise<T | undefined> {
  return openDb().then(
    (db) =>
      new Promise<T | undefined>((resolve, reject) => {
        if (!db) return resolve(undefined);
        const t = db.transaction(STORE, mode);
        const r = run(t.objectStore(STORE));
        t.oncomplete = () => resolve(r.result);
        t.onerror = () => reject(t.error);
        t.onabort = () => reject(t.error);
      }),
  );
}

async function dbAll(): Promise<OutboxItem[]> {
  const db = await openDb();
  if (!db) return [...memory.values()];
  return ((await tx<OutboxItem[]>('readonly', (s) => s.getAll() as IDBRequest<OutboxItem[]>)) ?? []).slice();
}

async function dbPut(item: OutboxItem): Promise<void> {
  const db = await openDb();
  if (!db) {
    memory.set(item.key, item);
    return;
  }
  await tx('readwrite', (s) => s.put(item));
}

async function dbDelete(key: string): Promise<void> {
  const db = await openDb();
  if (!db) {
    memory.delete(key);
    return;
  }
  await tx('readwrite', (s) => s.delete(key));
}

/** Whether the queue survives a reload (IndexedDB works here). */
export async function outboxPersistent(): Promise<boolean> {
  return (await openDb()) !== null;
}

// —— state shared with React (useSyncExternalStore) and other tabs (BroadcastChannel) ——

export interface OutboxSnapshot {
  /** Every item on this device, oldest first (filter by user to show). */
  items: OutboxItem[];
  /** Sending right now. */
  sending: boolean;
  loaded: boolean;
  lastSentAt: number | null;
}

let snapshot: OutboxSnapshot = { items: [], sending: false, loaded: false, lastSentAt: null };
const listeners = new Set<() => void>();
const sentListeners = new Set<(item: OutboxItem, result: unknown, foreground: boolean) => void>();
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('jiayuan-outbox');

function emit(patch: Partial<OutboxSnapshot>) {
  snapshot = { ...snapshot, ...patch };
  for (const l of listeners) l();
}

async function reload(): Promise<void> {
  const items = (await dbAll()).sort((a, b) => a.seq - b.seq || a.createdAt - b.createdAt);
  emit({ items, loaded: true });
}

channel?.addEventListener('message', () => void reload());
const announce = () => channel?.postMessage('changed');

export function subscribeOutbox(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function getOutboxSnapshot(): OutboxSnapshot {
  return snapshot;
}

/**
 * Called after each item the server accepted, with its answer; `foreground`: the form that wrote it
 * was waiting for it (and tells the user itself).
 */
export function onOutboxSent(
  listener: (item: OutboxItem, result: unknown, foreground: boolean) => void,
): () => void {
  sentListeners.add(listener);
  return () => sentListeners.delete(listener);
}

// —— writing ——

export async function enqueue(draft: OutboxDraft): Promise<OutboxItem> {
  if (!snapshot.loaded) await reload();
  const now = Date.now();
  const existing = snapshot.items.find((i) => i.key === draft.key);
  const item: OutboxItem = {
    attachments: [],
    uploadUrl: '/api/cases/attachments',
    attachField: 'attachmentIds',
    invalidate: [],
    meta: {},
    ...draft,
    createdAt: existing?.createdAt ?? now,
    seq: existing?.seq ?? Math.max(now, ...snapshot.items.map((i) => i.seq + 1)),
    attempts: existing?.attempts ?? 0,
    state: 'waiting',
  };
  await dbPut(item);
  await reload();
  announce();
  return item;
}

export async function removeItem(key: string): Promise<void> {
  await dbDelete(key);
  await reload();
  announce();
}

/** Put a refused item back in line (after the cause was fixed elsewhere, e.g. signing in again). */
export async function retryItem(key: string): Promise<void> {
  const item = snapshot.items.find((i) => i.key === key);
  if (!item) return;
  await dbPut({ ...item, state: 'waiting', error: undefined });
  await reload();
  announce();
}

// —— sending ——

const SEND_TIMEOUT_MS = 30_000;

/** A failure that a later try may cure: no connection, a timeout, the server busy or down. */
export function isTransient(e: unknown): boolean {
  if (e instanceof DOMException && (e.name === 'AbortError' || e.name === 'TimeoutError')) return true;
  if (!(e instanceof ApiError)) return true;
  return e.status === 0 || e.status === 408 || e.status === 429 || e.status >= 500;
}

/** The session is gone (or must be renewed): stop until the user signs in again. */
function isAuthStop(e: unknown): boolean {
  return (
    e instanceof ApiError &&
    (e.status === 401 ||
      e.code === 'PASSWORD_CHANGE_REQUIRED' ||
      e.code === 'MFA_REQUIRED' ||
      e.code === 'CSRF_FAILED' ||
      e.code === 'CSRF_INVALID')
  );
}

async function sendOne(item: OutboxItem): Promise<unknown> {
  const ids: number[] = [];
  for (let i = 0; i < item.attachments.length; i++) {
    const a = item.attachments[i]!;
    if (a.id === undefined) {
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), SEND_TIMEOUT_MS * 2);
      try {
        const att = await uploadFile<{ id: number }>(item.uploadUrl, a.blob, {
          fileName: a.name,
          signal: ctl.signal,
        });
        a.id = att.id;
      } finally {
        clearTimeout(timer);
      }
      // Keep the id: a retry after a lost answer to the POST must send the same body.
      await dbPut(item);
    }
    ids.push(a.id);
  }
  const body = ids.length > 0 ? { ...item.body, [item.attachField]: ids } : item.body;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), SEND_TIMEOUT_MS);
  try {
    return await request<unknown>(item.url, {
      method: 'POST',
      body,
      headers: { 'Idempotency-Key': item.key },
      signal: ctl.signal,
      noAuthRedirect: true,
    });
  } finally {
    clearTimeout(timer);
  }
}

type Outcome = SubmitResult<unknown>;
const waiters = new Map<string, (o: Outcome) => void>();
let flushing: Promise<void> | null = null;
let again = false;

function settle(key: string, o: Outcome) {
  const w = waiters.get(key);
  if (w) {
    waiters.delete(key);
    w(o);
  }
}

async function runFlush(userId: number): Promise<void> {
  if (!snapshot.loaded) await reload();
  emit({ sending: true });
  try {
    for (;;) {
      const next = snapshot.items.find((i) => i.userId === userId && i.state === 'waiting');
      if (!next) break;
      if (typeof navigator !== 'undefined' && navigator.onLine === false) break;
      let result: unknown;
      try {
        result = await sendOne(next);
      } catch (e) {
        if (e instanceof ApiError && next.settledBy?.includes(e.code)) {
          // The server has it already (an earlier try whose answer was lost).
          result = null;
          await dbDelete(next.key);
          await reload();
          emit({ lastSentAt: Date.now() });
          announce();
          for (const l of sentListeners) l(next, result, waiters.has(next.key));
          settle(next.key, { status: 'sent', result });
          continue;
        }
        const tried = { ...next, attempts: next.attempts + 1, lastTriedAt: Date.now() };
        if (isTransient(e) || isAuthStop(e)) {
          await dbPut({ ...tried, error: e instanceof Error ? e.message : String(e) });
          await reload();
          break;
        }
        // A definite refusal (4xx): keep it, marked, and go on with the others.
        const err = e as ApiError;
        if (waiters.has(next.key)) {
          // The user is on the form that wrote it: the form shows the error; the item goes.
          await dbDelete(next.key);
          await reload();
          settle(next.key, { status: 'failed', error: err });
        } else {
          await dbPut({ ...tried, state: 'failed', error: err.message });
          await reload();
        }
        announce();
        continue;
      }
      await dbDelete(next.key);
      await reload();
      emit({ lastSentAt: Date.now() });
      announce();
      for (const l of sentListeners) l(next, result, waiters.has(next.key));
      settle(next.key, { status: 'sent', result });
    }
  } finally {
    emit({ sending: false });
  }
}

/** Send what waits, oldest first; stops at the first failure a later try may cure. */
export function flush(userId: number): Promise<void> {
  if (flushing) {
    again = true;
    return flushing;
  }
  const lock = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  // One tab at a time (two tabs would only replay, but why send twice).
  const run = () => (lock ? lock.request('jiayuan-outbox', () => runFlush(userId)) : runFlush(userId));
  flushing = (async () => {
    try {
      do {
        again = false;
        await run();
      } while (again);
    } finally {
      flushing = null;
      // Whatever was not reached stays queued.
      for (const key of [...waiters.keys()]) settle(key, { status: 'queued' });
    }
  })();
  return flushing;
}

/**
 * Store the write, then try to send it now: `sent` (with the server's answer), `queued` (no
 * connection: it goes later) or `failed` (refused: the error, e.g. field issues; the item is gone).
 */
export async function submit<T>(draft: OutboxDraft): Promise<SubmitResult<T>> {
  await enqueue(draft);
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return { status: 'queued' };
  const outcome = new Promise<Outcome>((resolve) => waiters.set(draft.key, resolve));
  await flush(draft.userId);
  // The flush settles every waiter before it ends; this is a guard.
  settle(draft.key, { status: 'queued' });
  return (await outcome) as SubmitResult<T>;
}

/**
 * Keep the queue moving for the signed-in user: now, on `online`, every minute while something
 * waits. Returns the stop function.
 */
export function startOutbox(userId: number): () => void {
  const go = () => void flush(userId);
  void reload().then(go);
  const onOnline = () => go();
  window.addEventListener('online', onOnline);
  const timer = setInterval(() => {
    if (navigator.onLine === false || snapshot.sending) return;
    if (snapshot.items.some((i) => i.userId === userId && i.state === 'waiting')) go();
  }, 60_000);
  return () => {
    window.removeEventListener('online', onOnline);
    clearInterval(timer);
  };
}
