// The version kurz reports, from package.json (embedded at build time).
import pkg from "../package.json";

export const version: string = pkg.version;
