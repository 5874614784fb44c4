// Writes test-workspace/collector/collector.otlp.pb, the Collector file exporter's
// `format: proto` output for a few spans recorded by the OpenTelemetry JS SDK and
// encoded by its official protobuf serializer. Run: node --import tsx scripts/collector-fixture.mjs
import fs from 'node:fs';
import { collectorFile, recordBatches } from '../analysis-core/src/trace/testing/collectorFiles.ts';

fs.writeFileSync(new URL('../test-workspace/collector/collector.otlp.pb', import.meta.url), await collectorFile(recordBatches(3), 'proto'));
