// The JavaScript heap sized for a server, not for the machine. JavaScriptCore lets its heap grow by
// how much RAM the machine has: on a 24 GiB machine a kurz under redirect load at 1,000,000 links
// held 135–180 MiB, most of it garbage not yet collected; told the machine has 384 MiB, it holds
// 105–116 MiB at the same speed. That size is read once, when the runtime starts, from the
// environment, so `kurz serve` starts itself again with it, once, before doing anything else.
// Setting BUN_JSC_forceRAMSize yourself (0: the machine's real RAM) keeps your value.
const VARIABLE = "BUN_JSC_forceRAMSize";
export const SERVER_RAM_BYTES = 384 * 1024 * 1024;

/** Replaces this process with the same command under the server heap size, unless it already has one. */
export function restartWithServerHeap(): void {
  // Only the single-file binary: from source, the command line that started bun is not known here.
  if (process.env[VARIABLE] !== undefined || !Bun.main.startsWith("/$bunfs/")) return;
  try {
    process.execve?.(process.execPath, [process.argv0, ...process.argv.slice(2)], { ...process.env, [VARIABLE]: String(SERVER_RAM_BYTES) });
  } catch {
    // e.g. the binary was removed since it started: serve with the default heap
  }
}
