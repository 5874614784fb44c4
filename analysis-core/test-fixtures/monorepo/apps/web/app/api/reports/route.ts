import { buildUsageReport } from '@acme/ee';
import { formatDay } from '@acme/lib/format';
import { loadOrders } from '@/lib/orders';

export async function GET(): Promise<Response> {
  const orders = await loadOrders();
  return Response.json({ day: formatDay(new Date()), report: buildUsageReport(orders) });
}
