import { Hono } from 'hono'
import { RevenueAnalyzer } from '../analysis/insights.js'

const analyzer = new RevenueAnalyzer()

export const refunds = new Hono()

refunds.post('/refunds/:id', (c) => {
    const id = c.req.param('id')
    analyzer.observe('refund', { id })
    return c.body(null, 204)
})
