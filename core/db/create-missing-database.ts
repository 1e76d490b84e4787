import pg from 'pg';
import { ensureDatabase } from './embedded.ts';

/** PostgreSQL's SQLSTATE for a database that does not exist. */
const INVALID_CATALOG_NAME = '3D000';

/**
 * Makes sure the database `DATABASE_URL` names exists, creating it on that server when it does
 * not, so `DATABASE_URL=postgres://…/signal npm start` works on a server that has no `signal`
 * database yet, as the README shows. The database is created from the server's `postgres`
 * maintenance database, with the URL's own credentials. Returns true when it was created.
 * When it cannot be created (no CREATEDB right, no `postgres` database), the error says what
 * to do instead.
 *
 * @example
 * if (await createMissingDatabase(process.env.DATABASE_URL!)) console.log('Created the database');
 */
export async function createMissingDatabase(url: string): Promise<boolean> {
  const probe = new pg.Client({ connectionString: url });
  try {
    await probe.connect();
    return false;
  } catch (error) {
    // No name in the URL: the database is the user's, which is not Signal's to create.
    if ((error as { code?: string }).code !== INVALID_CATALOG_NAME || new URL(url).pathname.length <= 1) throw error;
  } finally {
    await probe.end().catch(() => {});
  }
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  try {
    await ensureDatabase(maintenance.href, name);
    return true;
  } catch (error) {
    throw new Error(`database "${name}" does not exist on the DATABASE_URL server, and Signal could not create it (${(error as Error).message}): create it (e.g. createdb ${name}) or point DATABASE_URL at an existing database`, { cause: error });
  }
}
