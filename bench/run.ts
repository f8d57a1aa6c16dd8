/**
 * @file `npm run bench`: every benchmark, each printing its measurements beside its baseline
 * (PyTorch float64 run in the same command, or the stated limit). Not part of npm test.
 * `npm run bench -- engine diagrams` runs only those.
 */
import { existsSync } from 'node:fs';

const all = ['engine', 'tiles', 'diagrams', 'data', 'stats', 'sim', 'queue', 'linalg', 'resum', 'reproduce'];
// Long studies and the heavy agreement checks moved out of npm test, run only by name (`npm run bench -- coverage`, `npm run bench -- agreement`).
const optIn = ['coverage', 'agreement'];
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of chosen.length ? chosen : all) {
  const file = new URL(`./${name}.ts`, import.meta.url);
  if (!existsSync(file)) {
    if (chosen.length) throw new Error(`bench: no benchmark named '${name}' (have: ${[...all, ...optIn].join(', ')})`);
    continue;
  }
  console.log(`\n=== ${name} ===`);
  const mod = (await import(file.href)) as { run: () => Promise<void> };
  await mod.run();
}
