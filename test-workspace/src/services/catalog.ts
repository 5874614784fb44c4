/**
 * The dataset catalogue tenants browse before subscribing. `pricingTier` is
 * what a dataset costs its subscribers: plain domain data, shown and filtered
 * on, never a switch for what this service does.
 */
export const PRICING_TIERS = ['free', 'pro', 'enterprise'] as const;
export type PricingTier = (typeof PRICING_TIERS)[number];

export interface CatalogItem {
  sku: string;
  name: string;
  bucket: string;
  pricingTier: PricingTier;
  monthlyPriceCents: number;
}

const ITEMS: CatalogItem[] = [
  { sku: 'ds-weather-hourly', name: 'Hourly weather observations', bucket: 'open-data', pricingTier: 'free', monthlyPriceCents: 0 },
  { sku: 'ds-port-calls', name: 'Port calls, daily', bucket: 'shipping', pricingTier: 'pro', monthlyPriceCents: 4_900 },
  { sku: 'ds-vessel-tracks', name: 'Vessel tracks, 1-minute AIS', bucket: 'shipping', pricingTier: 'enterprise', monthlyPriceCents: 89_000 },
  { sku: 'ds-fx-ticks', name: 'FX ticks, major pairs', bucket: 'markets', pricingTier: 'enterprise', monthlyPriceCents: 120_000 },
];

export function parsePricingTier(value: string | null): PricingTier | undefined {
  if (value === null) return undefined;
  const known = PRICING_TIERS.find((candidate) => candidate === value);
  if (known === undefined) throw new RangeError(`unknown pricing tier "${value}" (expected ${PRICING_TIERS.join(', ')})`);
  return known;
}

/** Lists the catalogue, cheapest first, optionally only one pricing tier. */
export function listCatalog(pricingTier?: PricingTier): CatalogItem[] {
  return ITEMS.filter((item) => pricingTier === undefined || item.pricingTier === pricingTier).sort(
    (a, b) => a.monthlyPriceCents - b.monthlyPriceCents || a.sku.localeCompare(b.sku),
  );
}
