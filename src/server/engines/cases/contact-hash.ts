import { sql } from 'kysely';
import type { Services } from '../../platform/services.js';

/**
 * Fills the keyed hash of the contact phone on cases written before it existed (or by a bulk
 * insert that set only the encrypted number), a batch per statement; nothing to do once done (a
 * partial index finds the rows). Runs at start (the cases module's `onStart`): the migration
 * cannot, it has no key. Only the derived hash is written: nothing a person sees changes.
 */
export async function hashContactPhones(s: Services, batch = 1000): Promise<number> {
  let done = 0;
  for (;;) {
    const rows = await s.db
      .selectFrom('cases')
      .select(['id', 'contactPhoneEnc'])
      .where('contactPhoneEnc', 'is not', null)
      .where('contactPhoneHash', 'is', null)
      .orderBy('id')
      .limit(batch)
      .execute();
    if (rows.length === 0) return done;
    const ids = rows.map((r) => r.id);
    const hashes = rows.map((r) => s.keyring.lookupHash(s.keyring.decrypt(r.contactPhoneEnc!)));
    await sql`
      UPDATE cases c SET contact_phone_hash = v.h
      FROM unnest(${sql.val(ids)}::bigint[], ${sql.val(hashes)}::text[]) AS v(id, h)
      WHERE c.id = v.id`.execute(s.db);
    done += rows.length;
  }
}
