import { listCatalog, parsePricingTier } from '../services/catalog';
import { HttpError, type RequestContext, type Reply } from './http';

export async function getCatalog({ query }: RequestContext): Promise<Reply> {
  let pricingTier;
  try {
    pricingTier = parsePricingTier(query.get('tier'));
  } catch (error) {
    throw new HttpError(400, 'InvalidParameter', (error as Error).message);
  }
  const items = listCatalog(pricingTier).map((item) => ({ ...item, monthlyPrice: (item.monthlyPriceCents / 100).toFixed(2) }));
  return { status: 200, body: { items } };
}
