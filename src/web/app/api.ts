import type { FormInstance } from 'antd';
import type { ErrorIssue } from '../../contract/common.js';
import { getLang, translate } from './i18n.js';

/** An error answered by the server (its envelope) or a failure to reach it (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | undefined;
  readonly issues: ErrorIssue[];

  constructor(status: number, code: string, message: string, requestId?: string, issues?: ErrorIssue[]) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.issues = issues ?? [];
  }
}

export function isApiError(e: unknown, code?: string): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code);
}

/** The message to show for any error (the server's text, already in the UI language). */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message || translate('error.generic');
  if (e instanceof Error && e.message) return e.message;
  return translate('error.generic');
}

export type AuthRedirect = 'login' | 'change_password' | 'mfa';
let authRedirect: ((kind: AuthRedirect) => void) | null = null;

/** The shell registers how to reach the login pages (the router lives there). */
export function setAuthRedirectHandler(handler: (kind: AuthRedirect) => void) {
  authRedirect = handler;
}

export function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null;
  for (const part of document.cookie.split(';')) {
    const [k, ...rest] = part.trim().split('=');
    if (k === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  body?: unknown;
  /** The record's version: sent as `If-Match: "<version>"`. */
  ifMatch?: number | string;
  signal?: AbortSignal;
  /** Do not send the user to the login page on 401 (the login calls themselves). */
  noAuthRedirect?: boolean;
  /** Called with the headers of a successful response (e.g. `x-total-capped`). */
  onHeaders?: (headers: Headers) => void;
  /** Extra request headers (e.g. `Idempotency-Key`). */
  headers?: Record<string, string>;
}

export function buildUrl(path: string, query?: Query): string {
  if (!query) return path;
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = {
    ...opts.headers,
    Accept: 'application/json',
    'Accept-Language': getLang(),
  };
  let body: string | FormData | undefined;
  if (opts.body instanceof FormData) {
    // multipart: the browser writes the Content-Type with its boundary
    body = opts.body;
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET') {
    const csrf = readCookie('jy_csrf');
    if (csrf) headers['x-csrf-token'] = csrf;
  }
  if (opts.ifMatch !== undefined) headers['If-Match'] = `"${opts.ifMatch}"`;

  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK_ERROR', translate('error.network'));
  }

  if (!res.ok) throw await toApiError(res, opts.noAuthRedirect);
  opts.onHeaders?.(res.headers);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (!text) return null as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null as T;
  }
}

/** The error envelope of a failed response as an ApiError (and the login redirect for 401/403). */
async function toApiError(res: Response, noAuthRedirect?: boolean): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  const env = (data ?? {}) as { code?: unknown; message?: unknown; requestId?: unknown; issues?: unknown };
  const code = typeof env.code === 'string' ? env.code : `HTTP_${res.status}`;
  const message =
    typeof env.message === 'string' && env.message
      ? env.message
      : res.status >= 500 || res.status === 0
        ? translate('error.server', { status: res.status })
        : translate('error.generic');
  const err = new ApiError(
    res.status,
    code,
    message,
    typeof env.requestId === 'string' ? env.requestId : (res.headers.get('x-request-id') ?? undefined),
    Array.isArray(env.issues) ? (env.issues as ErrorIssue[]) : undefined,
  );
  if (!noAuthRedirect && authRedirect) {
    if (res.status === 401) authRedirect('login');
    else if (res.status === 403 && code === 'PASSWORD_CHANGE_REQUIRED') authRedirect('change_password');
    else if (res.status === 403 && code === 'MFA_REQUIRED') authRedirect('mfa');
  }
  return err;
}

/** The file name of a download (Content-Disposition, RFC 5987 `filename*` first). */
function dispositionName(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain?.[1] ?? null;
}

/**
 * Download a file the API serves and hand it to the browser as a download. Every download is a
 * POST with the CSRF header and its filter as a JSON body: exports are audited and rate-limited
 * (side effects), so they are never plain GET links another site could trigger (issue 14). Errors
 * arrive as the usual envelope and are thrown as ApiError.
 */
export async function download(path: string, body?: Query, fallbackName = 'download'): Promise<string> {
  const payload: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(body ?? {}))
    if (v !== undefined && v !== null && v !== '') payload[k] = v;
  const headers: Record<string, string> = {
    'Accept-Language': getLang(),
    'Content-Type': 'application/json',
  };
  const csrf = readCookie('jy_csrf');
  if (csrf) headers['x-csrf-token'] = csrf;
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      headers,
      body: JSON.stringify(payload),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', translate('error.network'));
  }
  if (!res.ok) throw await toApiError(res);
  const blob = await res.blob();
  const name = dispositionName(res.headers.get('content-disposition')) ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

/**
 * Upload one file as multipart/form-data (field `file`) with progress (XMLHttpRequest: fetch has no
 * upload progress). Errors arrive as the usual envelope and are thrown as ApiError.
 */
export function uploadFile<T>(
  path: string,
  file: Blob,
  opts: { fileName?: string; onProgress?: (percent: number) => void; signal?: AbortSignal } = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Accept-Language', getLang());
    const csrf = readCookie('jy_csrf');
    if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) opts.onProgress?.(Math.min(99, Math.round((e.loaded / e.total) * 100)));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK_ERROR', translate('error.network')));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        opts.onProgress?.(100);
        try {
          resolve((xhr.responseText ? JSON.parse(xhr.responseText) : null) as T);
        } catch {
          resolve(null as T);
        }
        return;
      }
      const headers = new Headers();
      const rid = xhr.getResponseHeader('x-request-id');
      if (rid) headers.set('x-request-id', rid);
      void toApiError(new Response(xhr.responseText, { status: xhr.status, headers })).then(reject);
    };
    opts.signal?.addEventListener('abort', () => xhr.abort());
    const form = new FormData();
    form.append('file', file, opts.fileName ?? (file instanceof File ? file.name : 'file'));
    xhr.send(form);
  });
}

export const api = {
  get: <T>(path: string, query?: Query, opts?: Omit<RequestOptions, 'method' | 'query'>) =>
    request<T>(path, { ...opts, method: 'GET', query }),
  post: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...opts, method: 'POST', body: body ?? {} }),
  put: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...opts, method: 'PUT', body }),
  patch: <T>(path: string, body: unknown, opts?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...opts, method: 'PATCH', body }),
  del: <T = void>(path: string, opts?: Omit<RequestOptions, 'method'>) =>
    request<T>(path, { ...opts, method: 'DELETE' }),
};

/**
 * An issue path as the server writes it (`body.passwordPolicy.minLength`, `name`, `roles.0.areaId`) as
 * an antd name path (`['passwordPolicy', 'minLength']`). The request part (body/query/params) goes.
 */
export function issuePathToName(path: string): (string | number)[] {
  const parts = path
    .split(/[.[\]/]+/)
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  if (parts.length > 1 && (parts[0] === 'body' || parts[0] === 'query' || parts[0] === 'params')) {
    parts.shift();
  }
  return parts;
}

/**
 * Put the error's issues on the form's fields. Returns the issues that matched no field of the form
 * (the caller shows those with the message).
 */
export function applyIssuesToForm(form: FormInstance, err: unknown): ErrorIssue[] {
  if (!(err instanceof ApiError) || err.issues.length === 0) return [];
  const known = new Set(form.getFieldsError().map((f) => JSON.stringify(f.name)));
  const byField = new Map<string, { name: (string | number)[]; errors: string[] }>();
  const rest: ErrorIssue[] = [];
  for (const issue of err.issues) {
    let name = issuePathToName(issue.path);
    // An issue on a nested part (e.g. `coordinates.0`) goes to the nearest field that exists.
    while (name.length > 0 && !known.has(JSON.stringify(name))) name = name.slice(0, -1);
    if (name.length === 0) {
      rest.push(issue);
      continue;
    }
    const key = JSON.stringify(name);
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(issue.message);
    byField.set(key, entry);
  }
  form.setFields([...byField.values()]);
  return rest;
}

/** Text for a toast: the message and, if any, the issues that are not shown on a field. */
export function describeError(err: unknown, unplacedIssues?: ErrorIssue[]): string {
  const base = errorMessage(err);
  const issues = unplacedIssues ?? (err instanceof ApiError ? err.issues : []);
  if (issues.length === 0) return base;
  const extra = issues
    .slice(0, 3)
    .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
    .join('; ');
  return `${base} (${extra})`;
}
