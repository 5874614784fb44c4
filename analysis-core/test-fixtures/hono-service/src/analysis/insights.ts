export interface Cart {
    id: string
    items: { sku: string; price: number }[]
}

export function buildDailySummary(cart: Cart) {
    return { id: cart.id, total: cart.items.reduce((sum, item) => sum + item.price, 0) }
}

export async function aggregateUsage(file: string) {
    return { file, total: file.length }
}

export function rankRecommendations(history: string[]) {
    return [...history].sort()
}

export function scoreRisk(records: unknown[]) {
    return { ok: records.length < 10 }
}

export class RevenueAnalyzer {
    private readonly seen: string[] = []

    observe(kind: string, fields: Record<string, string>) {
        this.seen.push(`${kind}:${JSON.stringify(fields)}`)
    }
}
