// Entry point of `npm start` (`node core/main.ts`). Turns on Node's module compile cache, then
// loads the rest: static imports would be loaded before this module's body runs, so the CLI
// comes in dynamically. With a warm cache Node neither strips types nor compiles again, which
// makes start-up faster and the process about 20 MB smaller. The cache lives in the OS temp
// folder (or where NODE_COMPILE_CACHE points) and is rebuilt when a file changes.
import module from 'node:module';

module.enableCompileCache?.();
await import('./cli.ts');
