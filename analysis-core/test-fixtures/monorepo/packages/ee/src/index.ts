export function buildUsageReport(orders: { total: number }[]): { orders: number; revenue: number } {
  return { orders: orders.length, revenue: orders.reduce((sum, order) => sum + order.total, 0) };
}
