import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Reads `<dataDir>/<name>`, creating it with `generate()` (mode 0600) when missing. Used for the
 * generated secret key, admin token and demo pipeline key of a local install.
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
  try {
    await writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs, so every local process agrees.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { value: (await readFile(file, 'utf8')).trim(), created: false };
    throw error;
  }
  await chmod(file, 0o600);
  return { value, created: true };
}

export const generateSecretKey = (): string => randomBytes(32).toString('hex');
export const generateAdminToken = (): string => `sat_${randomBytes(24).toString('base64url')}`;
