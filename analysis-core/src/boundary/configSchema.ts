/** The JSON Schema of planewise.config.json, generated from the zod schema and the rules' option schemas. */
import { buildConfigJsonSchema } from './config';
import { allRules } from './rules';

export function configJsonSchema(): Record<string, unknown> {
  return buildConfigJsonSchema(allRules.map((rule) => ({ id: rule.meta.id, optionsSchema: rule.optionsSchema, description: rule.meta.docs.description })));
}
