// Writes the JSON Schemas generated from analysis-core's zod schemas into
// analysis-core/schema/, where the package ships them and the extension's
// jsonValidation contribution points. Only rewrites a file when it changed.
import fs from 'node:fs';
import path from 'node:path';
import { configJsonSchema } from '../analysis-core/src/boundary/configSchema';
import { traceLineJsonSchema } from '../analysis-core/src/trace/jsonSchema';

const outDir = path.join(__dirname, '..', 'analysis-core', 'schema');
const schemas: Record<string, unknown> = {
  'trace.schema.json': traceLineJsonSchema(),
  'planewise.config.schema.json': configJsonSchema(),
};

fs.mkdirSync(outDir, { recursive: true });
for (const [name, schema] of Object.entries(schemas)) {
  const file = path.join(outDir, name);
  const text = `${JSON.stringify(schema, null, 2)}\n`;
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) fs.writeFileSync(file, text);
}
