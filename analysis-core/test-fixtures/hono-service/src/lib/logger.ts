export const logger = {
    info(fields: Record<string, unknown>) {
        console.log(JSON.stringify(fields))
    },
}

export const metrics = {
    gauge(name: string, value: number) {
        console.log(`${name}=${value}`)
    },
}
