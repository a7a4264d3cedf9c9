import { z } from 'zod';
import { ListQuery } from './common.js';

/** A field of an entry in words: a change (before → after) or a detail (value). */
export const AuditField = z.object({
  key: z.string(),
  label: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
  value: z.string().nullable(),
});
export type AuditField = z.infer<typeof AuditField>;

/**
 * An entry of the audit log as people read it (issue 16): the operator's name, the action's
 * name, what it acted on and the whole as a sentence in the request's language, its changes and
 * detail as labelled fields. `action`, `entityType` and `entityId` stay for links and filters.
 */
export const AuditEntry = z.object({
  id: z.number(),
  seq: z.number(),
  at: z.string(),
  actorId: z.number().nullable(),
  /** The account's user name as recorded (the name typed, for a failed sign-in). */
  actorName: z.string().nullable(),
  /** The operator in words: the user's name, 系统, or the name typed. */
  actorLabel: z.string(),
  action: z.string(),
  actionLabel: z.string(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  entityLabel: z.string().nullable(),
  sentence: z.string(),
  success: z.boolean(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  fields: z.array(AuditField),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = ListQuery.extend({
  /** The operator: a user name's beginning or any part of the person's name (王建国, 建国). */
  actor: z.string().trim().max(64).optional(),
  /** An action code or its beginning (`case.`), as the filter's choices send it. */
  action: z.string().trim().max(64).optional(),
  entityType: z.string().max(40).optional(),
  entityId: z.string().max(64).optional(),
  success: z.enum(['true', 'false']).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;
export const AuditExportQuery = AuditQuery.omit({ page: true, pageSize: true });

export const AuditVerifyResult = z.object({
  ok: z.boolean(),
  checked: z.number(),
  firstBrokenSeq: z.number().nullable(),
  reason: z.string().nullable(),
});
