import { Hono } from 'hono'
import { buildDailySummary, aggregateUsage, rankRecommendations, type Cart } from '../analysis/insights.js'
import { logger, metrics } from '../lib/logger.js'

export const app = new Hono()

app.post('/carts/:id/checkout', async (c) => {
    const cart = await c.req.json<Cart>()
    const summary = buildDailySummary(cart)
    logger.info({ summary })
    return c.json({ id: cart.id }, 201)
})

app.post('/uploads', async (c) => {
    const file = c.req.query('file') ?? 'unnamed'
    if (Math.random() < 0.01) {
        const stats = await aggregateUsage(file)
        metrics.gauge('usage', stats.total)
    }
    return c.text('stored')
})

app.get('/recommendations', (c) => {
    const history = (c.req.query('history') ?? '').split(',')
    return c.json(rankRecommendations(history))
})
