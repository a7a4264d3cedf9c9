import type { z } from 'zod';
import { maskId, maskPhone } from '../../../contract/identifiers.js';
import type { Organisation, Person, PersonListItem, PersonTag } from '../../../contract/registry.js';
import { type TagCode, tagIdentifiers } from '../../../contract/tags.js';
import type { Actor } from '../../platform/access/actor.js';
import type { Keyring } from '../../platform/crypto/keys.js';
import { ADDRESS_KINDS, ageOn, personAbilities, visibleTags } from './registry.policy.js';
import type { PersonRecord } from './registry.repository.js';

type Names = Map<number, { id: number; name: string; kind: string }>;
export interface TagRow {
  id: number;
  personId: number;
  tag: string;
  fieldsEnc: string | null;
  startDate: string | null;
  endDate: string | null;
}

/** The values behind the masks, decrypted only to be masked again (never sent in clear). */
export function maskedId(k: Keyring, enc: string | null): string | null {
  return enc ? maskId(k.decrypt(enc)) : null;
}
export function maskedPhone(k: Keyring, enc: string | null): string | null {
  return enc ? maskPhone(k.decrypt(enc)) : null;
}

/** The dwelling part of a path: compound, building, unit, house names ("友谊花园3栋1单元101"). */
export function addressOf(path: string, names: Names): string {
  return path
    .split('.')
    .map((id) => names.get(Number(id)))
    .filter((n) => n && ADDRESS_KINDS.has(n.kind))
    .map((n) => n!.name)
    .join('');
}

/** A tag's fields as stored (decrypted): for the service only, never sent as they are. */
export function tagFields(k: Keyring, fieldsEnc: string | null): Record<string, unknown> {
  return fieldsEnc ? (JSON.parse(k.decrypt(fieldsEnc)) as Record<string, unknown>) : {};
}

/** A tag's fields as shown: its identifier fields (tags.ts `identifiers`) masked like an ID number. */
export function maskedTagFields(code: TagCode, fields: Record<string, unknown>): Record<string, unknown> {
  const out = { ...fields };
  for (const key of tagIdentifiers(code)) {
    const v = out[key];
    if (v !== undefined && v !== null) out[key] = maskId(String(v));
  }
  return out;
}

export function presentTags(rows: TagRow[], actor: Actor, path: string, k: Keyring): PersonTag[] {
  const visible = new Set<string>(visibleTags(actor, path));
  return rows
    .filter((t) => visible.has(t.tag))
    .map((t) => ({
      id: t.id,
      tag: t.tag as TagCode,
      fields: maskedTagFields(t.tag as TagCode, tagFields(k, t.fieldsEnc)),
      startDate: t.startDate,
      endDate: t.endDate,
    }));
}

/**
 * The birth date, for an actor who may reveal the person's ID number; null for others: with the
 * mask's first and last characters it would leave two digits of the number to guess (age is shown).
 */
export function shownBirthDate(actor: Actor, path: string, birthDate: string | null): string | null {
  return actor.canAt('person.reveal', path) ? birthDate : null;
}

export function presentPerson(
  p: PersonRecord,
  o: {
    actor: Actor;
    keyring: Keyring;
    names: Names;
    tags: TagRow[];
    today: string;
    pendingRegistrations: number;
    /** The household in words (its head's name and address). */
    household?: string | null;
  },
): Person {
  const labels = p.areaPath.split('.');
  return {
    id: p.id,
    name: p.name,
    idNumber: maskedId(o.keyring, p.idEnc),
    sex: p.sex,
    birthDate: shownBirthDate(o.actor, p.areaPath, p.birthDate),
    age: ageOn(p.birthDate, o.today),
    phone: maskedPhone(o.keyring, p.phoneEnc),
    ethnicity: p.ethnicity,
    education: p.education,
    politicalStatus: p.politicalStatus,
    employer: p.employer,
    residenceType: p.residenceType,
    registeredAddress: p.registeredAddress,
    currentAddress: p.currentAddress,
    areaId: p.areaId,
    // Breadcrumb of the nodes the actor may read: no names from outside the scope.
    areaPath: labels
      .map((_, i) => labels.slice(0, i + 1).join('.'))
      .filter((path) => o.actor.canAt('person.read', path))
      .map((path) => o.names.get(Number(path.split('.').at(-1))))
      .filter((n): n is { id: number; name: string; kind: string } => !!n),
    householdId: p.householdId,
    household: p.householdId ? (o.household ?? null) : null,
    relationToHead: p.relationToHead,
    floating:
      p.residenceType === 'floating' || p.floatingExpiresOn || p.floatingRegisteredOn
        ? {
            registeredOn: p.floatingRegisteredOn,
            expiresOn: p.floatingExpiresOn,
            inflowReason: p.inflowReason,
            residenceKind: p.floatingResidenceKind,
          }
        : null,
    healthArchive: p.healthArchive,
    status: p.status,
    note: p.note,
    tags: presentTags(o.tags, o.actor, p.areaPath, o.keyring),
    pendingRegistrations: o.pendingRegistrations,
    version: p.version,
    updatedAt: p.updatedAt.toISOString(),
    abilities: personAbilities(o.actor, p.areaPath),
  };
}

export function presentListItem(
  p: PersonRecord,
  o: { actor: Actor; keyring: Keyring; names: Names; tags: TagRow[]; today: string },
): PersonListItem {
  const visible = new Set<string>(visibleTags(o.actor, p.areaPath));
  return {
    id: p.id,
    name: p.name,
    idNumber: maskedId(o.keyring, p.idEnc),
    sex: p.sex,
    age: ageOn(p.birthDate, o.today),
    phone: maskedPhone(o.keyring, p.phoneEnc),
    residenceType: p.residenceType,
    areaId: p.areaId,
    status: p.status,
    currentAddress: p.currentAddress,
    address: addressOf(p.areaPath, o.names),
    tags: o.tags.filter((t) => t.personId === p.id && visible.has(t.tag)).map((t) => t.tag as TagCode),
    floatingExpiresOn: p.floatingExpiresOn,
  };
}

export interface OrganisationRecord {
  id: number;
  areaId: number;
  areaPath: string;
  name: string;
  kind: string;
  creditCode: string | null;
  address: string | null;
  contactName: string | null;
  contactPhoneEnc: string | null;
  note: string | null;
  version: number;
}

export function presentOrganisation(
  o: OrganisationRecord,
  actor: Actor,
  k: Keyring,
): z.infer<typeof Organisation> {
  return {
    id: o.id,
    name: o.name,
    kind: o.kind,
    creditCode: o.creditCode,
    areaId: o.areaId,
    address: o.address,
    contactName: o.contactName,
    contactPhone: maskedPhone(k, o.contactPhoneEnc),
    note: o.note,
    version: o.version,
    abilities: actor.canAt('org.manage', o.areaPath) ? ['update'] : [],
  };
}

// —— what the audit log records: identifiers masked, never in clear ——

/** A person as it goes into audit diffs. */
export function personAuditView(k: Keyring, p: PersonRecord) {
  return {
    name: p.name,
    idNumber: maskedId(k, p.idEnc),
    sex: p.sex,
    birthDate: p.birthDate,
    phone: maskedPhone(k, p.phoneEnc),
    ethnicity: p.ethnicity,
    education: p.education,
    politicalStatus: p.politicalStatus,
    employer: p.employer,
    residenceType: p.residenceType,
    registeredAddress: p.registeredAddress,
    currentAddress: p.currentAddress,
    areaId: p.areaId,
    householdId: p.householdId,
    relationToHead: p.relationToHead,
    floatingRegisteredOn: p.floatingRegisteredOn,
    floatingExpiresOn: p.floatingExpiresOn,
    inflowReason: p.inflowReason,
    floatingResidenceKind: p.floatingResidenceKind,
    healthArchive: p.healthArchive,
    status: p.status,
    note: p.note,
  };
}

/** An organisation as it goes into audit diffs. */
export function organisationAuditView(k: Keyring, o: OrganisationRecord) {
  return {
    name: o.name,
    kind: o.kind,
    creditCode: o.creditCode,
    areaId: o.areaId,
    address: o.address,
    contactName: o.contactName,
    contactPhone: maskedPhone(k, o.contactPhoneEnc),
    note: o.note,
  };
}

type Changes = Record<string, { before: unknown; after: unknown }>;

/**
 * A person's history page. The birth date in a change is shown only where the ID number may be
 * revealed (as on the record).
 */
export function presentHistory(
  total: number,
  rows: { at: Date; actorName: string | null; action: string; changes: unknown }[],
  birthShown: boolean,
) {
  const hide = (v: unknown) => (v === null || v === undefined ? v : '****-**-**');
  return {
    total,
    items: rows.map((r) => {
      let changes = (r.changes ?? null) as Changes | null;
      if (changes?.birthDate && !birthShown) {
        const b = changes.birthDate;
        changes = { ...changes, birthDate: { before: hide(b.before), after: hide(b.after) } };
      }
      return { at: r.at.toISOString(), actorName: r.actorName, action: r.action, changes };
    }),
  };
}
