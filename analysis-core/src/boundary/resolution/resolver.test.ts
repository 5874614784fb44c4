import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { memoryHost } from '../host';
import { createResolver, type Resolution } from './resolver';
import { exportTargets, pnpmWorkspacePatterns } from './workspaces';

const ROOT = path.resolve('/repo');
const at = (file: string) => path.join(ROOT, file);

/** A resolver over in-memory files; source files are the .ts/.tsx ones that are not declarations. */
function resolverFor(files: Record<string, unknown>, root = ROOT) {
  const texts = Object.fromEntries(Object.entries(files).map(([file, content]) => [at(file), typeof content === 'string' ? content : JSON.stringify(content)]));
  const host = memoryHost(texts);
  const resolver = createResolver(root, host, (file) => host.files.has(file) && /\.tsx?$/.test(file) && !file.endsWith('.d.ts'));
  const resolve = (from: string, specifier: string) => describeResolution(resolver.resolve(at(from), specifier));
  return { resolver, resolve };
}

function describeResolution({ target, kind }: Resolution): string {
  if (target.kind === 'file') return `${kind} ${path.relative(ROOT, target.file).split(path.sep).join('/')}`;
  return target.kind === 'package' ? `${kind} package ${target.name}` : `${kind} unresolved`;
}

describe('tsconfig: the nearest one, read by the compiler', () => {
  it('follows an extends chain; paths are relative to the config that declares them', () => {
    const { resolve } = resolverFor({
      'tsconfig.base.json': { compilerOptions: { paths: { '@lib/*': ['packages/lib/src/*'] } } },
      'apps/web/tsconfig.json': { extends: '../../tsconfig.base.json' },
      'apps/admin/tsconfig.json': { extends: '../../tsconfig.base.json', compilerOptions: { paths: { '@/*': ['./src/*'] } } },
      'apps/admin/src/deep/page.ts': '',
      'apps/admin/src/components/button.tsx': '',
      'apps/web/src/page.ts': '',
      'packages/lib/src/format.ts': '',
    });
    assert.equal(resolve('apps/web/src/page.ts', '@lib/format'), 'aliased packages/lib/src/format.ts');
    assert.equal(resolve('apps/admin/src/deep/page.ts', '@/components/button'), 'aliased apps/admin/src/components/button.tsx');
    // A config's own paths replace the ones it extends, as in TypeScript.
    assert.equal(resolve('apps/admin/src/deep/page.ts', '@lib/format'), 'package package @lib/format');
    assert.equal(resolve('apps/admin/src/deep/page.ts', '@/components/missing'), 'aliased unresolved');
  });

  it('baseUrl resolves bare specifiers from the config that sets it', () => {
    const { resolve } = resolverFor({ 'app/tsconfig.json': { compilerOptions: { baseUrl: 'src' } }, 'app/src/services/orders.ts': '', 'app/src/index.ts': '' });
    assert.equal(resolve('app/src/index.ts', 'services/orders'), 'aliased app/src/services/orders.ts');
    assert.equal(resolve('app/src/index.ts', 'react'), 'package package react');
  });

  it('extends a workspace package by its name, without node_modules', () => {
    const { resolve } = resolverFor({
      'package.json': { workspaces: ['apps/*', 'packages/*'] },
      'packages/tsconfig/package.json': { name: '@acme/tsconfig' },
      'packages/tsconfig/base.json': { compilerOptions: { baseUrl: '.', paths: { '~/*': ['./src/*'] } } },
      'apps/web/tsconfig.json': { extends: '@acme/tsconfig/base.json' },
      'apps/web/package.json': { name: 'web' },
      'packages/tsconfig/src/shared.ts': '',
      'apps/web/index.ts': '',
    });
    assert.equal(resolve('apps/web/index.ts', '~/shared'), 'aliased packages/tsconfig/src/shared.ts');
  });

  it('a referenced tsconfig.*.json counts', () => {
    const { resolve } = resolverFor({
      'web/tsconfig.json': { files: [], references: [{ path: './tsconfig.app.json' }, { path: './tsconfig.node.json' }] },
      'web/tsconfig.app.json': { compilerOptions: { paths: { '@/*': ['./src/*'] } } },
      'web/tsconfig.node.json': { compilerOptions: { paths: { '#tools/*': ['./tools/*'] } } },
      'web/src/app.ts': '',
      'web/src/lib/util.ts': '',
      'web/tools/vite.ts': '',
    });
    assert.equal(resolve('web/src/app.ts', '@/lib/util'), 'aliased web/src/lib/util.ts');
    assert.equal(resolve('web/src/app.ts', '#tools/vite'), 'aliased web/tools/vite.ts');
  });

  it('bad JSON, a missing extends target and an extends loop are problems on the config, and resolution goes on', () => {
    const { resolver, resolve } = resolverFor({
      'a/tsconfig.json': '{ "compilerOptions": { "paths": { "@/*": ["./*"] } }, oops }',
      'a/x.ts': '',
      'b/tsconfig.json': { extends: '@acme/missing/base.json' },
      'b/x.ts': '',
      'c/tsconfig.json': { extends: './tsconfig.two.json' },
      'c/tsconfig.two.json': { extends: './tsconfig.json' },
      'c/x.ts': '',
      'c/y.ts': '',
    });
    assert.equal(resolve('a/x.ts', './x'), 'relative a/x.ts');
    resolve('a/x.ts', '@/y');
    resolve('b/x.ts', '@/y');
    assert.equal(resolve('c/x.ts', './y'), 'relative c/y.ts');
    resolve('c/x.ts', '@/y');
    const problems = resolver.problems().map((problem) => `${path.relative(ROOT, problem.file)}:${problem.range.start.line + 1} ${problem.message}`);
    assert.ok(problems.some((problem) => problem.startsWith('a/tsconfig.json:1 tsconfig.json:')), problems.join('\n'));
    assert.ok(problems.some((problem) => problem.startsWith('b/tsconfig.json:1') && problem.includes('@acme/missing/base.json')), problems.join('\n'));
    assert.ok(problems.some((problem) => problem.startsWith('c/') && /ircularity/.test(problem)), problems.join('\n'));
  });
});

describe('workspace packages resolve to their source', () => {
  const base = {
    'package.json': { workspaces: { packages: ['packages/*'] } },
    'app.ts': '',
  };

  it('main/types naming build output map back to src, through the package tsconfig outDir/rootDir or the src convention', () => {
    const { resolve } = resolverFor({
      ...base,
      'packages/lib/package.json': { name: '@acme/lib', main: './dist/index.js', types: './dist/index.d.ts' },
      'packages/lib/src/index.ts': '',
      'packages/built/package.json': { name: '@acme/built', main: 'out/main.js' },
      'packages/built/tsconfig.json': { compilerOptions: { rootDir: 'source', outDir: 'out' } },
      'packages/built/source/main.ts': '',
      'packages/plain/package.json': { name: 'plain' },
      'packages/plain/index.ts': '',
      'packages/plain/utils/strings.ts': '',
    });
    assert.equal(resolve('app.ts', '@acme/lib'), 'workspace packages/lib/src/index.ts');
    assert.equal(resolve('app.ts', '@acme/built'), 'workspace packages/built/source/main.ts');
    assert.equal(resolve('app.ts', 'plain'), 'workspace packages/plain/index.ts');
    assert.equal(resolve('app.ts', 'plain/utils/strings'), 'workspace packages/plain/utils/strings.ts');
  });

  it('exports: a string, a subpath map with conditions, and subpath patterns', () => {
    const { resolve } = resolverFor({
      ...base,
      'packages/one/package.json': { name: 'one', exports: './src/main.ts' },
      'packages/one/src/main.ts': '',
      'packages/ee/package.json': {
        name: '@acme/ee',
        exports: {
          '.': { require: './dist/cjs/index.js', types: './dist/types/index.d.ts', import: './dist/esm/index.js' },
          './server/*': { import: './src/server/*.ts' },
          './billing': ['./src/billing/index.ts'],
        },
      },
      'packages/ee/src/index.ts': '',
      'packages/ee/src/server/limits.ts': '',
      'packages/ee/src/billing/index.ts': '',
    });
    assert.equal(resolve('app.ts', 'one'), 'workspace packages/one/src/main.ts');
    assert.equal(resolve('app.ts', '@acme/ee'), 'workspace packages/ee/src/index.ts');
    assert.equal(resolve('app.ts', '@acme/ee/server/limits'), 'workspace packages/ee/src/server/limits.ts');
    assert.equal(resolve('app.ts', '@acme/ee/billing'), 'workspace packages/ee/src/billing/index.ts');
  });

  it('a workspace package whose source is not found is unresolved, never an npm package', () => {
    const { resolve } = resolverFor({ ...base, 'packages/gen/package.json': { name: '@acme/generated', main: 'generated/client.js' } });
    assert.equal(resolve('app.ts', '@acme/generated'), 'workspace unresolved');
    assert.equal(resolve('app.ts', 'zod'), 'package package zod');
  });

  it('pnpm-workspace.yaml lists the packages; the workspace is found above the checked folder', () => {
    const files = {
      'pnpm-workspace.yaml': "# workspace\npackages:\n  - 'apps/*'\n  - \"packages/**\" # nested too\n  - '!packages/**/fixtures/**'\ncatalog:\n  react: ^19\n",
      'packages/ui/forms/package.json': { name: '@acme/forms' },
      'packages/ui/forms/src/index.ts': '',
      'packages/ui/forms/fixtures/x/package.json': { name: '@acme/fixture' },
      'apps/web/page.ts': '',
    };
    const { resolve, resolver } = resolverFor(files, at('apps/web'));
    assert.equal(resolver.workspace?.root, ROOT);
    assert.equal(resolve('apps/web/page.ts', '@acme/forms'), 'workspace packages/ui/forms/src/index.ts');
    assert.equal(resolve('apps/web/page.ts', '@acme/fixture'), 'package package @acme/fixture');
  });

  it('reads only the packages list of pnpm-workspace.yaml', () => {
    assert.deepEqual(pnpmWorkspacePatterns('packages:\n  # comment\n  - web\n  - "packages/**"\n  - \'ee\'\ncatalog:\n  - not-a-package\n'), ['web', 'packages/**', 'ee']);
  });

  it('exportTargets prefers types, import, default, require', () => {
    assert.deepEqual(exportTargets({ default: './d.js', require: './r.js', types: './t.d.ts', import: './i.js' }, '.'), ['./t.d.ts', './i.js', './d.js', './r.js']);
    assert.deepEqual(exportTargets({ './a/*.js': './src/a/*.ts', './a/b/*': './src/b/*.ts' }, './a/b/c'), ['./src/b/c.ts']);
    assert.equal(exportTargets(undefined, '.'), undefined);
  });
});

describe('relative imports', () => {
  it('an existing non-source file (stylesheet, image, declarations) is an asset, relative, aliased or in a workspace package; a missing module is unresolved', () => {
    const { resolve } = resolverFor({
      'package.json': { workspaces: ['assets'] },
      'assets/package.json': { name: '@acme/assets' },
      'assets/logo.png': '',
      'assets/types/api.d.ts': '',
      'tsconfig.json': { compilerOptions: { paths: { '~/*': ['./src/*'] } } },
      'src/a.ts': '',
      'src/styles.css': '',
      'src/b.ts': '',
    });
    assert.equal(resolve('src/a.ts', './styles.css'), 'asset unresolved');
    assert.equal(resolve('src/a.ts', '~/styles.css'), 'asset unresolved');
    assert.equal(resolve('src/a.ts', '@acme/assets/logo.png'), 'asset unresolved');
    assert.equal(resolve('src/a.ts', '@acme/assets/types/api'), 'asset unresolved');
    assert.equal(resolve('src/a.ts', './missing'), 'relative unresolved');
    assert.equal(resolve('src/a.ts', './b.js'), 'relative src/b.ts');
  });
});
