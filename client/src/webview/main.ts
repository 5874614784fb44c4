// PLACEHOLDER until written by its owner.
export {};
