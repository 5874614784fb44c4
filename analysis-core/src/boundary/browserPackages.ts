/**
 * Front-end packages: a package whose manifest depends on a browser UI
 * library and on no server framework (a React or Vue single-page app) runs in
 * the browser, so folder names in it (`src/api/`, `pages/`) give its files no
 * platform plane. The nearest package.json decides; a package with a server
 * framework beside its UI library (Next.js, Remix, Nuxt) stays ordinary code.
 */
import path from 'node:path';
import type { FileHost } from './host';

const UI_LIBRARIES = ['react-dom', 'vue', 'svelte', '@angular/core', 'solid-js', 'preact'];
/** Packages that put server code beside the UI: full-stack frameworks and HTTP servers. */
const SERVER_PACKAGES = [
  'next',
  'nuxt',
  '@sveltejs/kit',
  '@remix-run/node',
  '@remix-run/server-runtime',
  '@react-router/node',
  '@react-router/serve',
  'astro',
  'express',
  'fastify',
  'koa',
  'hono',
  '@nestjs/core',
  '@trpc/server',
];
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies'];

/** Whether `file` belongs to a front-end package; manifests above `top` are not looked at. */
export function createBrowserPackageTest(host: FileHost, top: string): (file: string) => boolean {
  const byFolder = new Map<string, boolean>();
  const folderIsBrowser = (folder: string): boolean => {
    const known = byFolder.get(folder);
    if (known !== undefined) return known;
    const manifest = host.readFile(path.join(folder, 'package.json'));
    const parent = path.dirname(folder);
    let browser: boolean;
    if (manifest !== undefined) browser = isBrowserManifest(manifest);
    else if (folder === top || parent === folder || !folder.startsWith(top)) browser = false;
    else browser = folderIsBrowser(parent);
    byFolder.set(folder, browser);
    return browser;
  };
  return (file) => folderIsBrowser(path.dirname(file));
}

export function isBrowserManifest(text: string): boolean {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof manifest !== 'object' || manifest === null) return false;
  const dependencies = new Set<string>();
  for (const field of DEPENDENCY_FIELDS) {
    const value = (manifest as Record<string, unknown>)[field];
    if (typeof value === 'object' && value !== null) for (const name of Object.keys(value)) dependencies.add(name);
  }
  return UI_LIBRARIES.some((name) => dependencies.has(name)) && !SERVER_PACKAGES.some((name) => dependencies.has(name));
}
