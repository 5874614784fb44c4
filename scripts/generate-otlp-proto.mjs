// Writes the protobuf descriptor the trace reader decodes OTLP/protobuf with,
// from the .proto files vendored under analysis-core/proto/opentelemetry-proto
// (see the README there for the version). A test checks the committed
// descriptor matches these files, so regenerate after updating them:
//   node scripts/generate-otlp-proto.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const protoRoot = path.join(root, 'analysis-core/proto/opentelemetry-proto');
const output = path.join(root, 'analysis-core/src/trace/otlpProtoDescriptor.json');

/** The descriptor of ExportTraceServiceRequest and every message it reaches, as protobufjs JSON. */
export function otlpTraceDescriptor() {
  const loader = new protobuf.Root();
  loader.resolvePath = (_origin, target) => path.join(protoRoot, target);
  loader.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto', { keepCase: false });
  loader.resolveAll();
  return `${JSON.stringify(loader.toJSON(), null, 1)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) fs.writeFileSync(output, otlpTraceDescriptor());
