import type { EventStore } from '../services/events.ts';
import type { IntegrationService, PluginCatalog } from '../services/integrations.ts';
import type { PipelineService } from '../services/pipelines.ts';

/** The services behind both admin APIs (GraphQL and REST are thin layers over these). */
export interface AdminServices {
  pipelines: PipelineService;
  integrations: IntegrationService;
  events: EventStore;
  plugins: PluginCatalog;
}
