/**
 * @file Assemble src/engine/simd.wat into src/engine/simd-wasm.ts (the binary as base64), so
 * the package needs no assembler at run time. `npm run build:wasm`; a test checks the committed
 * binary matches the .wat.
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function assembleSimd(): Promise<Uint8Array> {
  const wabt = await (await import('wabt')).default();
  const src = readFileSync(fileURLToPath(new URL('../src/engine/simd.wat', import.meta.url)), 'utf8');
  const mod = wabt.parseWat('simd.wat', src, { simd: true, bulk_memory: true });
  const { buffer } = mod.toBinary({});
  mod.destroy();
  return buffer;
}

export function simdModuleSource(bytes: Uint8Array): string {
  return `/** @file Generated from simd.wat by scripts/build-wasm.ts (npm run build:wasm); do not edit. */\nexport const SIMD_WASM_BASE64 =\n  '${Buffer.from(bytes).toString('base64')}';\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = fileURLToPath(new URL('../src/engine/simd-wasm.ts', import.meta.url));
  writeFileSync(out + '.tmp', simdModuleSource(await assembleSimd()));
  renameSync(out + '.tmp', out);
  console.log(`wrote ${out}`);
}
