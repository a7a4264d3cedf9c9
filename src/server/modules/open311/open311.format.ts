import type { FastifyReply } from 'fastify';

/**
 * GeoReport v2 answers in XML (required by the specification) and JSON, chosen by the path's
 * suffix. The same value renders both ways: a JSON array becomes an element holding one child per
 * item, named after the array (`services` → `service`), an object one child per key.
 */
export type Format = 'xml' | 'json';

export const XML_TYPE = 'text/xml; charset=utf-8';
export const JSON_TYPE = 'application/json; charset=utf-8';

/** Element names of array items, by the array's own name. */
const ITEM: Record<string, string> = {
  services: 'service',
  endpoints: 'endpoint',
  formats: 'format',
  attributes: 'attribute',
  values: 'value',
  service_requests: 'request',
  errors: 'error',
};

/** Characters XML 1.0 cannot carry at all, not even as references: replaced with U+FFFD. */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters: finding them is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function element(tag: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return `<${tag}/>`;
  if (Array.isArray(value)) {
    const item = ITEM[tag] ?? 'item';
    return `<${tag}>${value.map((v) => element(item, v)).join('')}</${tag}>`;
  }
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => element(k, v))
      .join('');
    return `<${tag}>${inner}</${tag}>`;
  }
  return `<${tag}>${escapeXml(String(value))}</${tag}>`;
}

export function toXml(root: string, value: unknown): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value)}\n`;
}

/** Sends `value` in the format asked for; `root` names the XML document element. */
export function send(reply: FastifyReply, format: Format, root: string, value: unknown, status = 200) {
  reply.code(status);
  if (format === 'xml') return reply.type(XML_TYPE).send(toXml(root, value));
  return reply.type(JSON_TYPE).send(JSON.stringify(value));
}

/** The format a path asks for: `.json` or `.xml` (the specification's required one, also the default). */
export function formatOfUrl(url: string): Format {
  const path = url.split('?')[0] ?? '';
  return /\.json$/i.test(path) ? 'json' : 'xml';
}

/** `name.xml` / `name.json` → [name, format]; anything else → null. */
export function splitSuffix(file: string): [string, Format] | null {
  const m = /^(.+)\.(xml|json)$/.exec(file);
  return m ? [m[1]!, m[2] as Format] : null;
}

/**
 * An instant as ISO 8601 with the China offset (+08:00), as the specification wants every
 * datetime to carry its zone: 2026-11-23T09:00:00+08:00.
 */
export function chinaIso(d: Date | null | undefined): string | null {
  if (!d) return null;
  const shifted = new Date(d.getTime() + 8 * 3_600_000).toISOString(); // …Z, but China wall time
  return `${shifted.slice(0, 19)}+08:00`;
}

/** An error of the GeoReport API: answered as its `errors` list, HTTP 400, 403 or 404. */
export class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404,
    readonly description: string,
  ) {
    super(description);
  }
}

export function sendErrors(reply: FastifyReply, format: Format, status: number, description: string) {
  return send(reply, format, 'errors', [{ code: status, description }], status);
}
