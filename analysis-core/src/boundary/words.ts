/** Identifier vocabulary shared by the rules: names split into lower-case words. */

/** `orgHasPremiumFeature` -> org, has, premium, feature; `IS_BILLING_ENABLED` -> is, billing, enabled; `getAIModel` -> get, ai, model. */
export function identifierWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
}
