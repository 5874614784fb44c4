// Injected into the Node bundles: ESM dependencies (fdir, under tinyglobby)
// read import.meta.url, which a CommonJS bundle does not have.
export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;
