import { z } from 'zod';
import { AreaKind } from './areas.js';
import { msg } from './common.js';

export const LoginBody = z.strictObject({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

export const LoginResult = z.object({
  /** 'ok': signed in; 'mfa': a TOTP code is needed next; 'change_password': must change before anything else. */
  next: z.enum(['ok', 'mfa', 'change_password']),
});
export type LoginResult = z.infer<typeof LoginResult>;

export const TotpCodeBody = z.strictObject({
  code: z.string().regex(/^\d{6}$/, msg('须为 6 位数字', '6 digits')),
});

export const ChangePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(1).max(256),
});

export const RoleScope = z.object({
  assignmentId: z.number(),
  role: z.string(),
  roleName: z.string(),
  areaId: z.number(),
  areaName: z.string(),
  areaKind: AreaKind,
});
export type RoleScope = z.infer<typeof RoleScope>;

export const Me = z.object({
  user: z.object({
    id: z.number(),
    username: z.string(),
    displayName: z.string(),
    mustChangePassword: z.boolean(),
    passwordExpiresAt: z.string().nullable(),
    totpEnabled: z.boolean(),
    mfaPending: z.boolean(),
    /** 'resident': an account of the resident channel (/r), not of the staff app */
    kind: z.enum(['staff', 'resident']),
  }),
  roles: z.array(RoleScope),
  permissions: z.array(z.string()),
  session: z.object({ idleTimeoutSeconds: z.number(), expiresAt: z.string() }),
});
export type Me = z.infer<typeof Me>;

export const TotpSetup = z.object({ secret: z.string(), uri: z.string() });

export const PasswordPolicy = z.strictObject({
  minLength: z.number().int().min(6).max(64),
  minClasses: z.number().int().min(1).max(4),
  expiryDays: z.number().int().min(0).max(3650),
  forceChangeOnFirstLogin: z.boolean(),
  /** A new password may not be any of the account's last N (the current one included). */
  history: z.number().int().min(1).max(24).default(5),
});
export type PasswordPolicy = z.infer<typeof PasswordPolicy>;

export const SecuritySettings = z.strictObject({
  passwordPolicy: PasswordPolicy,
  idleTimeoutMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60),
  /**
   * The idle limit of a grid worker's session (every role they hold is the grid worker's): they
   * work in the field between screens, so 30 minutes signs them out in the middle of a round.
   * Never longer than the absolute lifetime, which still ends every session.
   */
  gridWorkerIdleMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(240),
  absoluteLifetimeHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 14),
  lockoutThreshold: z.number().int().min(3).max(20),
  /**
   * Unsuccessful sign-ins from one source address within the window before its attempts are
   * slowed (1, 2, 4 … 60 s apart, whatever the name); never a lock. Compared at each attempt.
   */
  ipLockoutThreshold: z.number().int().min(3).max(500).default(20),
  lockoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
});
export type SecuritySettings = z.infer<typeof SecuritySettings>;

/** A source address with failed sign-ins in the window (the security settings page). */
export const AddressThrottle = z.object({
  address: z.string(),
  failures: z.number(),
  firstFailureAt: z.string(),
  lastAt: z.string(),
  /** Over the threshold: its attempts are spaced by `delaySeconds`. */
  slowed: z.boolean(),
  delaySeconds: z.number(),
  waitSeconds: z.number(),
});
export type AddressThrottle = z.infer<typeof AddressThrottle>;

export const AddressUnlockBody = z.strictObject({ address: z.string().trim().min(1).max(64) });
