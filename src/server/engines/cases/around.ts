import { type RawBuilder, sql } from 'kysely';

/** A dispute party as stored (details still encrypted). */
export interface PartyRow {
  id: number;
  role: string;
  personId: number | null;
  name: string;
  idEnc: string | null;
  phoneEnc: string | null;
  address: string | null;
}

/** What a case's page shows around its row, as read (`aroundColumns`). */
export interface Around {
  aroundNames: { id: number; name: string; kind: string }[];
  aroundUsers: { id: number; name: string }[];
  aroundAtt: { id: number; eventId: number | null; name: string; mime: string; size: number }[];
  aroundParties: PartyRow[];
}

/**
 * What a case's page shows around its row (names on its area path; reporter, owner and assignee;
 * attachments; a dispute's parties) as select-list columns over the case row `alias`: a case read
 * adds them to one statement, a transition to its write (a case's answer costs no statement of
 * its own). `linked` names a CTE of attachments linked by that same statement, which its other
 * parts cannot see yet. JSON keys are camelCase (the CamelCasePlugin would rename them anyway).
 */
export function aroundColumns(alias: string, linked?: string): RawBuilder<unknown> {
  const c = (col: string) => sql.ref(`${alias}.${col}`);
  const att = sql`SELECT id, event_id, name, mime, size FROM case_attachments WHERE case_id = ${c('id')}`;
  return sql`
    (SELECT coalesce(json_agg(json_build_object('id', a.id, 'name', a.name, 'kind', a.kind)), '[]')
       FROM areas a WHERE a.id = ANY (string_to_array(${c('areaPath')}::text, '.')::bigint[])) AS around_names,
    (SELECT coalesce(json_agg(json_build_object('id', x.id, 'name', x.display_name)), '[]')
       FROM users x WHERE x.id IN (${c('reporterUserId')}, ${c('ownerUserId')}, ${c('assigneeUserId')})) AS around_users,
    (SELECT coalesce(json_agg(json_build_object('id', x.id, 'eventId', x.event_id, 'name', x.name,
         'mime', x.mime, 'size', x.size) ORDER BY x.id), '[]')
       FROM (${att}${linked ? sql` UNION ALL SELECT id, event_id, name, mime, size FROM ${sql.table(linked)}` : sql``}) x) AS around_att,
    (SELECT coalesce(json_agg(json_build_object('id', p.id, 'role', p.role, 'personId', p.person_id,
         'name', p.name, 'idEnc', p.id_enc, 'phoneEnc', p.phone_enc, 'address', p.address) ORDER BY p.id), '[]')
       FROM dispute_parties p WHERE p.case_id = ${c('id')}) AS around_parties`;
}
