// The arguments after `bun` of package.json's "build" script (`build src/main.ts …`) with another
// --outfile, so tests and measurements build exactly the binary that ships.
import pkg from "../package.json";

export function shippedBuildArgs(outfile: string): string[] {
  const command = pkg.scripts.build.split("&&").map((c) => c.trim()).find((c) => c.startsWith("bun build "));
  if (!command) throw new Error(`no "bun build" in package.json's build script`);
  const args = command.split(/\s+/).slice(1);
  const out = args.indexOf("--outfile");
  if (out < 0) throw new Error("the build script names no --outfile");
  args[out + 1] = outfile;
  return args;
}
