import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Reads `<dataDir>/<name>`, creating it with `generate()` (mode 0600) when missing. Used for the
 * generated secret key, admin token and demo pipeline key of a local install.
 *
 * The file appears whole or not at all: the value is written to a file of this process's own,
 * then hard-linked into place, which fails if another process got there first. Processes
 * starting together on one data folder (workers, say) used to race: one created the file and
 * another read it before the value was written, and refused to start with "SIGNAL_SECRET_KEY
 * must be 32 bytes".
 *
 * @example
 * const { value: token } = await readOrCreate('.signal', 'admin-token', generateAdminToken);
 */
export async function readOrCreate(dataDir: string, name: string, generate: () => string): Promise<{ value: string; created: boolean }> {
  const file = path.join(dataDir, name);
  try {
    return { value: (await readFile(file, 'utf8')).trim(), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const value = generate();
  const draft = path.join(dataDir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}`);
  await writeFile(draft, `${value}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, file);
  } catch (error) {
    // Another process created it first: use theirs, so every local process agrees.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { value: (await readFile(file, 'utf8')).trim(), created: false };
    throw error;
  } finally {
    await unlink(draft).catch(() => {});
  }
  await chmod(file, 0o600);
  return { value, created: true };
}

export const generateSecretKey = (): string => randomBytes(32).toString('hex');
export const generateAdminToken = (): string => `sat_${randomBytes(24).toString('base64url')}`;
