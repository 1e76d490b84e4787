// `node core/blueprint/write-schema.ts [file]`: writes the blueprint JSON Schema for editors
// (default: blueprints/blueprint.schema.json) from core/blueprint/blueprint-schema.ts, the one
// the compiler validates with. Run it after changing the schema; a test checks the two match.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { BLUEPRINT_SCHEMA } from './blueprint-schema.ts';

const target = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '../../blueprints/blueprint.schema.json'));
writeFileSync(target, `${JSON.stringify(BLUEPRINT_SCHEMA, null, 2)}\n`);
console.log(`wrote ${target}`);
