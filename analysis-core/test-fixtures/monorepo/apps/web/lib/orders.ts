export interface Order {
  id: string;
  total: number;
}

export async function loadOrders(): Promise<Order[]> {
  return [{ id: 'o-1', total: 12 }];
}
