import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The README and docs/ are read by people who cloned the repository and have nothing else (quality.md).
const root = process.cwd();
const files = [
  'README.md',
  ...fs
    .readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

describe('README and docs/', () => {
  it('start with the two commands that run Herald and its tests', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const firstBlock = /```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = firstBlock
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('#')[0].trim());
    expect(commands).toEqual(['npm ci && npm run build && npm start', 'npm ci && npm test']);
    const scripts = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;
    expect(Object.keys(scripts)).toEqual(expect.arrayContaining(['build', 'start', 'test']));
  });

  it.each(files)('%s points at nothing outside the repository, and its relative links exist', (file) => {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    expect(text).not.toMatch(/\.\.\/shared|shared\/spec|shared\/seed/);
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/i.test(target)) continue;
      const resolved = path.resolve(path.dirname(path.join(root, file)), target);
      expect(resolved.startsWith(root + path.sep), `${file} links outside the repository: ${target}`).toBe(
        true,
      );
      expect(fs.existsSync(resolved), `${file} links to a missing ${target}`).toBe(true);
    }
  });

  it('public/ holds the favicon and the logo', () => {
    const ico = fs.readFileSync(path.join(root, 'public', 'favicon.ico'));
    expect([...ico.subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    expect(fs.readFileSync(path.join(root, 'public', 'logo.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });
});
