/** JSON Schema for one line of a `planewise.trace` file, generated from the zod schema. */
import { z } from 'zod';
import { TRACE_SCHEMA_ID, TRACE_SCHEMA_VERSION, headerSchema, traceEventSchema } from './schema';

export function traceLineJsonSchema(): unknown {
  const line = z.union([headerSchema, traceEventSchema]);
  return {
    ...z.toJSONSchema(line, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' }),
    $id: `https://planewise.dev/schema/${TRACE_SCHEMA_ID}/${TRACE_SCHEMA_VERSION}/line.json`,
    title: `${TRACE_SCHEMA_ID} ${TRACE_SCHEMA_VERSION}: one line of a *.trace.jsonl file`,
  };
}
