// Writes a 2,000-file TypeScript service laid out in the three planes: 200
// domains, each with a handler, a service, storage, an auth check, an analysis
// module and five shared helpers. Every 20th service calls its analysis
// module (a planted boundary violation), so the checks have real work to do.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const DOMAINS = 200;

export function generateProject(root) {
  rmSync(root, { recursive: true, force: true });
  const write = (relative, text) => {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  write('tsconfig.json', JSON.stringify({ compilerOptions: { strict: true, module: 'commonjs', target: 'es2022', noEmit: true }, include: ['src'] }, null, 2));
  for (let d = 0; d < DOMAINS; d++) {
    for (let k = 0; k < 5; k++) {
      const next = k < 4 ? `import { helper${d}_${k + 1} } from './u${d}_${k + 1}';\n` : '';
      const call = k < 4 ? `helper${d}_${k + 1}(value) + ` : '';
      write(`src/shared/u${d}_${k}.ts`, `${next}\nexport function helper${d}_${k}(value: number): number {\n  return ${call}value * ${k + 2};\n}\n`);
    }
    write(`src/storage/r${d}.ts`, `const rows = new Map<string, string>();\n\nexport function load${d}(id: string): string | undefined {\n  return rows.get(id);\n}\n\nexport function save${d}(id: string, value: string): void {\n  rows.set(id, value);\n}\n`);
    write(`src/auth/a${d}.ts`, `export function allow${d}(principal: string, action: string): boolean {\n  return principal.length > 0 && action !== 'deny';\n}\n`);
    write(`src/analysis/an${d}.ts`, `export function summarize${d}(records: readonly string[]): string {\n  return records.join(',');\n}\n`);
    const analysis = d % 20 === 0;
    write(
      `src/services/s${d}.ts`,
      `import { load${d}, save${d} } from '../storage/r${d}';\nimport { helper${d}_0 } from '../shared/u${d}_0';\n${analysis ? `import { summarize${d} } from '../analysis/an${d}';\n` : ''}\nexport function update${d}(id: string, value: string): number {\n  save${d}(id, value);\n${analysis ? `  summarize${d}([value]);\n` : ''}  return helper${d}_0(load${d}(id)?.length ?? 0);\n}\n`,
    );
    write(
      `src/handlers/h${d}.ts`,
      `import { update${d} } from '../services/s${d}';\nimport { allow${d} } from '../auth/a${d}';\n\nexport interface Request${d} {\n  principal: string;\n  id: string;\n  body: string;\n}\n\nexport function handle${d}(request: Request${d}): number {\n  if (!allow${d}(request.principal, 'write')) return 403;\n  update${d}(request.id, request.body);\n  return 200;\n}\n`,
    );
  }
}
