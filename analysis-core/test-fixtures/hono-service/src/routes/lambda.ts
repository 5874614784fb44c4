import { scoreRisk } from '../analysis/insights.js'

export const handler = async (event: { Records: unknown[] }) => {
    const audit = scoreRisk(event.Records)
    return { statusCode: audit.ok ? 200 : 207 }
}
