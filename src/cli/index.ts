/** @file Public API of the CLI module. */
export { main, buildProgram } from './main.ts';
