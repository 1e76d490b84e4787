import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { pluginLabel } from '../sdk/define-plugin.ts';
import type { PluginDefinition, PluginRoute } from '../sdk/types.ts';
import { PluginLoadError } from './plugin-errors.ts';

/** The vendor plugins mounted on a Fastify instance, filled in as each one registers. */
export interface MountedPlugins {
  list(): PluginDefinition[];
  get(id: string): PluginDefinition | undefined;
  has(id: string): boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The vendor plugins mounted on this instance by `registerPlugins` / `signalPlugins`. */
    signalPlugins: MountedPlugins;
  }
}

/** A registry (anything with `list()`) or a plain list of definitions. */
export type PluginList = readonly PluginDefinition[] | { list(): readonly PluginDefinition[] };

export interface SignalPluginsOptions {
  plugins: PluginList;
}

function definitions(plugins: PluginList): readonly PluginDefinition[] {
  return 'list' in plugins && typeof plugins.list === 'function' ? plugins.list() : (plugins as readonly PluginDefinition[]);
}

function routeHandler(route: PluginRoute) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await route.handler({
      body: request.body,
      query: (request.query ?? {}) as Record<string, string>,
      headers: request.headers,
      params: (request.params ?? {}) as Record<string, string>,
    });
    reply.code(result.status);
    for (const [name, value] of Object.entries(result.headers ?? {})) reply.header(name, value);
    if (result.status === 204 || result.status === 304) return reply.send();
    if (reply.getHeader('content-type') === undefined) reply.type('application/json; charset=utf-8');
    return reply.send(JSON.stringify(result.body));
  };
}

/**
 * One vendor plugin as a Fastify plugin, `signal-plugin-<id>` (through fastify-plugin, so it
 * is not encapsulated): it needs `signal-plugins` (Fastify checks the dependency and the
 * `signalPlugins` decorator at registration), adds itself to `app.signalPlugins`, and mounts
 * its `routes` in an encapsulated child under `/v1/plugins/<id>/`.
 *
 * @example
 * await app.register(signalPlugins, { plugins: [] });
 * await app.register(vendorPlugin(webhook));
 */
export function vendorPlugin(definition: PluginDefinition) {
  const { id } = definition;
  return fp(
    async (app: FastifyInstance) => {
      if (app.signalPlugins.has(id)) {
        throw new PluginLoadError('SIGNAL_PLUGIN_DUPLICATE_ID', `${pluginLabel(id)}: a plugin with this id is already registered`, { pluginId: id });
      }
      (app.signalPlugins as MountedPluginsView).add(definition);
      const routes = definition.routes ?? [];
      if (routes.length === 0) return;
      await app.register(
        async (child: FastifyInstance) => {
          for (const route of routes) child.route({ method: route.method, url: route.path, handler: routeHandler(route) });
        },
        { prefix: `/v1/plugins/${id}` },
      );
    },
    { name: `signal-plugin-${id}`, fastify: '5.x', dependencies: ['signal-plugins'], decorators: { fastify: ['signalPlugins'] } },
  );
}

interface MountedPluginsView extends MountedPlugins {
  add(definition: PluginDefinition): void;
}

function mountedPlugins(): MountedPluginsView {
  const byId = new Map<string, PluginDefinition>();
  return {
    list: () => [...byId.values()],
    get: (id) => byId.get(id),
    has: (id) => byId.has(id),
    add: (definition) => {
      byId.set(definition.id, definition);
    },
  };
}

/**
 * The Fastify plugin `signal-plugins`: decorates the instance with `signalPlugins` (once) and
 * registers every given vendor plugin as `signal-plugin-<id>` (see `vendorPlugin`, which
 * refuses an id already mounted: Fastify itself would accept two plugins of the same name).
 *
 * @example
 * await app.register(signalPlugins, { plugins: registry });
 * app.signalPlugins.get('webhook');
 */
export const signalPlugins = fp<SignalPluginsOptions>(
  async (app, options) => {
    if (!app.hasDecorator('signalPlugins')) app.decorate('signalPlugins', mountedPlugins());
    // Each is registered (and checked for a duplicate id) before the next.
    for (const definition of definitions(options.plugins)) await app.register(vendorPlugin(definition));
  },
  { name: 'signal-plugins', fastify: '5.x' },
);

/**
 * Registers the loaded vendor plugins into a Fastify app (the collect listener): each as the
 * fastify-plugin `signal-plugin-<id>`, its routes under `/v1/plugins/<id>/`, all listed in
 * `app.signalPlugins`.
 *
 * @example
 * await registerPlugins(app, registry);          // a PluginRegistry
 * await registerPlugins(app, [webhook, acme]);   // or definitions
 */
export async function registerPlugins(app: FastifyInstance, plugins: PluginList): Promise<void> {
  await app.register(signalPlugins, { plugins });
}
