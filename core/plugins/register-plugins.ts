import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { PluginDefinition } from '../sdk/types.ts';

/**
 * Each loaded vendor plugin registers itself into Fastify through fastify-plugin, under the
 * name `signal-plugin-<id>`, mounting its extra routes (if any) under `/v1/plugins/<id>/`.
 * Fastify refuses a second plugin of the same name, a last guard against duplicate ids.
 *
 * @example
 * await registerPlugins(app, registry.list());
 */
export async function registerPlugins(app: FastifyInstance, plugins: PluginDefinition[]): Promise<void> {
  for (const definition of plugins) {
    const register = fp(
      async (instance: FastifyInstance) => {
        for (const route of definition.routes ?? []) {
          instance.route({
            method: route.method,
            url: `/v1/plugins/${definition.id}${route.path}`,
            handler: async (request, reply) => {
              const result = await route.handler({
                body: request.body,
                query: request.query as Record<string, string>,
                headers: request.headers,
              });
              return reply.code(result.status).send(result.body);
            },
          });
        }
      },
      { name: `signal-plugin-${definition.id}`, fastify: '5.x' },
    );
    await app.register(register);
  }
}
