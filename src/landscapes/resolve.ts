/**
 * @file `resolveLandscape(spec)`: the one entry point that turns a landscape spec into a
 * Landscape — a built-in by name with `:key=value` parameters, or a user's TS/JS module that
 * default-exports `defineLandscape({ … })`. Every failure is an InputError that says what is
 * missing or wrong and where.
 */
import { readFile, stat } from 'node:fs/promises';
import { register as registerHooks } from 'node:module';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../core/index.ts';
import { BUILTIN_LANDSCAPES, builtinLandscape } from './builtins.ts';
import { defineLandscape } from './define.ts';
import { isLandscapeTemplate, type CreateContext, type Landscape, type LandscapeTemplate } from './types.ts';
import { verifyLandscape } from './verify.ts';
import { canonicalSpec, MODULE_EXTENSIONS, parseParams, splitSpec } from './spec.ts';

export interface ResolveOptions {
  /** CIFAR-10 directory (else PERTURB_CIFAR10). */
  cifar10?: string;
  /** Cache directory for Fashion-MNIST's binary cache (else PERTURB_CACHE, else ~/.cache/perturb). */
  cacheDir?: string;
  /** Directory that relative module paths are resolved against (default: the working directory). */
  cwd?: string;
  /** Progress of a long load (e.g. converting Fashion-MNIST the first time). */
  onProgress?: (done: number, total: number, what: string) => void;
}

/**
 * The landscape named by `spec`: `gauss`, `mean-estimation:H=0.5,S=10`, `./my.ts` or
 * `./my.ts:k=2`. A module is imported (TypeScript directly), its default export instantiated
 * with the parameters, and its functions run once so that a broken field is reported now.
 * `landscape.spec` is the canonical form (absolute path, every parameter), which resolves to
 * the same landscape in any process (e.g. a worker thread).
 */
export async function resolveLandscape(spec: string, opts: ResolveOptions = {}): Promise<Landscape> {
  const parsed = splitSpec(spec);
  const ctxBase: Omit<CreateContext, 'spec'> = {
    ...(opts.cifar10 !== undefined ? { cifar10: opts.cifar10 } : {}),
    ...(opts.cacheDir !== undefined ? { cacheDir: opts.cacheDir } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  };
  if (parsed.kind === 'builtin') {
    const template = builtinLandscape(parsed.target);
    if (!template) {
      throw new InputError(
        `unknown landscape '${parsed.target}': expected one of ${BUILTIN_LANDSCAPES.map((t) => t.name).join(', ')}, or a path to a module (e.g. ./my-landscape.ts) that default-exports defineLandscape({ … })`,
      );
    }
    const params = parseParams(template.name, parsed.paramText, template.params);
    const full = Object.fromEntries(template.params.map((p) => [p.name, params[p.name] ?? p.default]));
    const canonical = canonicalSpec(template.name, template.params, full);
    return template.create(full, { ...ctxBase, spec: canonical, where: `landscape ${canonical}` });
  }
  const where = `landscape module ${parsed.target}`;
  const path = isAbsolute(parsed.target) ? parsed.target : resolvePath(opts.cwd ?? process.cwd(), parsed.target);
  const template = await importTemplate(path, where);
  const params = parseParams(`${parsed.target} (${template.name})`, parsed.paramText, template.params);
  const full = Object.fromEntries(template.params.map((p) => [p.name, params[p.name] ?? p.default]));
  let land: Landscape;
  try {
    land = await template.create(full, { ...ctxBase, spec: canonicalSpec(path, template.params, full), where });
  } catch (err) {
    throw rewrap(err, where, 'building it');
  }
  verifyLandscape(land, where);
  return land;
}

/** An error from inside a module, said of the module: `defineLandscape("x"): …` becomes `landscape module ./x.ts: …`. */
function rewrap(err: unknown, where: string, doing: string): InputError {
  // An InputError of another copy of perturb (its class differs) is still an InputError.
  if (err instanceof InputError || (err instanceof Error && err.name === 'InputError')) {
    if (err.message.startsWith(`${where}:`) && err instanceof InputError) return err;
    const m = /^defineLandscape(?:\([^)]*\))?: (.*)$/s.exec(err.message);
    return new InputError(`${where}: ${m ? m[1] : err.message}`);
  }
  return new InputError(`${where}: ${doing} threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
}

let tsxRegistered = false;

/** Whether perturb runs from its TypeScript sources (its clone) rather than from the build. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');
let sourceConditionRegistered = false;

/**
 * From the sources, a user module's `import … from 'perturb'` must reach these very modules, not
 * the build in dist/ (a second copy of the engine, whose traced losses this copy cannot
 * compile): package.json's exports send the `perturb-source` condition to src/index.ts, and this
 * resolve hook adds that condition in this thread (a worker thread resolves its landscape here
 * too, and hooks are per thread). From the build, 'perturb' is the build already.
 */
function resolvePerturbToSources(): void {
  if (!FROM_SOURCES || sourceConditionRegistered) return;
  const hook = `export function resolve(specifier, context, next) {
    return next(specifier, { ...context, conditions: [...context.conditions, 'perturb-source'] });
  }`;
  registerHooks(`data:text/javascript,${encodeURIComponent(hook)}`);
  sourceConditionRegistered = true;
}

async function importModule(url: string, isTs: boolean): Promise<Record<string, unknown>> {
  resolvePerturbToSources();
  // From the build (perturb under plain node, as installed), nothing has registered a TypeScript
  // loader: register tsx once — globally, so the module shares this process's engine — before
  // the first .ts import. Not after a failed one: node caches that failure by URL, so a retry
  // fails again. (Under a host that has tsx already, a second registration is harmless.)
  if (isTs && !FROM_SOURCES && !tsxRegistered) {
    const { register } = await import('tsx/esm/api');
    register();
    tsxRegistered = true;
  }
  return (await import(url)) as Record<string, unknown>;
}

/** The nearest package.json's "type" above `file` (undefined when none says). */
async function packageType(file: string): Promise<string | undefined> {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { type?: unknown };
      return typeof pkg.type === 'string' ? pkg.type : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * A module loaded as CommonJS would get its own copy of perturb's engine (the CommonJS and ES
 * module caches are separate), and a loss traced by one copy cannot be compiled by the other.
 * So a .ts or .js module must be an ES module: its package.json says "type": "module", or it is
 * named .mts / .mjs.
 */
async function checkEsm(path: string, where: string): Promise<void> {
  if (/\.m[jt]s$/.test(path)) return;
  const type = await packageType(path);
  if (type !== 'module') {
    const ext = path.endsWith('.ts') ? '.mts' : '.mjs';
    throw new InputError(
      `${where} would load as CommonJS (no package.json above it says "type": "module"), which would give it a separate copy of perturb: rename it to ${ext}, or add { "type": "module" } to a package.json in its directory`,
    );
  }
}

async function importTemplate(path: string, where: string): Promise<LandscapeTemplate> {
  let isFile = false;
  try {
    isFile = (await stat(path)).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) {
    throw new InputError(`${where} was not found (looked for ${path}): expected a ${MODULE_EXTENSIONS.join('/')} file that default-exports defineLandscape({ … })`);
  }
  await checkEsm(path, where);
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(pathToFileURL(path).href, /\.m?ts$/.test(path));
  } catch (err) {
    throw rewrap(err, where, 'loading it');
  }
  const def = mod['default'];
  if (def === undefined) {
    throw new InputError(`${where} has no default export: expected \`export default defineLandscape({ … })\``);
  }
  if (isLandscapeTemplate(def)) return def;
  try {
    return defineLandscape(def as Parameters<typeof defineLandscape>[0]);
  } catch (err) {
    throw rewrap(err, where, 'reading its default export');
  }
}
