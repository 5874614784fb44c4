import { STATUS_NOTIFICATION } from '@planewise/server/protocol';
import { TRACE_SCHEMA_ID } from '@planewise/analysis-core/trace';
export const ids = [STATUS_NOTIFICATION, TRACE_SCHEMA_ID];
