import { databaseTarget, type SignalConfig } from './config.ts';

/** What Node's and pg's errors carry that says which setting is at fault. */
interface SystemError extends Error {
  code?: string;
  port?: number;
  address?: string;
}

/** The environment variables naming the listener on `port`. */
function listenerSettings(config: Pick<SignalConfig, 'collectPort' | 'adminPort'>, port: number | undefined): [string, string] | undefined {
  if (port === undefined) return undefined;
  if (port === config.collectPort) return ['SIGNAL_COLLECT_PORT', 'SIGNAL_COLLECT_HOST'];
  if (port === config.adminPort) return ['SIGNAL_ADMIN_PORT', 'SIGNAL_ADMIN_HOST'];
  return undefined;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);

/**
 * Why Signal could not start, in words that name the setting to change: a listener's port in
 * use (`SIGNAL_COLLECT_PORT`), an address not on this machine (`SIGNAL_ADMIN_HOST`), a
 * PostgreSQL server that does not answer or refuses the login (`DATABASE_URL`, shown without
 * its password). Other errors keep their own message.
 *
 * @example
 * explainStartFailure(Object.assign(new Error('listen EADDRINUSE: address already in use 0.0.0.0:8080'), { code: 'EADDRINUSE', port: 8080 }), config);
 * // 'port 8080 (SIGNAL_COLLECT_PORT) is in use by another process: stop it, or choose another port with SIGNAL_COLLECT_PORT'
 */
export function explainStartFailure(error: unknown, config: Pick<SignalConfig, 'collectPort' | 'adminPort' | 'databaseUrl'>): string {
  const failure = error as SystemError;
  // An AggregateError (every address of a host name refused) has no message of its own.
  const said = failure?.message || failure?.code || String(error);
  const settings = listenerSettings(config, failure?.port);
  if (failure?.code === 'EADDRINUSE' && settings) {
    return `port ${failure.port} (${settings[0]}) is in use by another process: stop it, or choose another port with ${settings[0]}`;
  }
  if (failure?.code === 'EACCES' && settings) {
    return `port ${failure.port} (${settings[0]}) may not be opened by this user (ports below 1024 need privileges): choose another with ${settings[0]}`;
  }
  if (failure?.code === 'EADDRNOTAVAIL' && settings) {
    return `${failure.address ?? 'the address'} (${settings[1]}) is not an address of this machine: use 0.0.0.0 (every interface), 127.0.0.1 or one of its own addresses`;
  }
  if (config.databaseUrl !== undefined) {
    const target = databaseTarget(config.databaseUrl);
    if (failure?.code !== undefined && UNREACHABLE.has(failure.code)) {
      return `PostgreSQL at ${target} (DATABASE_URL) does not answer (${said}): start it, or correct DATABASE_URL; without DATABASE_URL, npm start runs an embedded PostgreSQL`;
    }
    if (failure?.code === '28P01' || failure?.code === '28000') {
      return `PostgreSQL at ${target} (DATABASE_URL) refused the login: ${said}; correct the user or password in DATABASE_URL`;
    }
  }
  return said;
}
