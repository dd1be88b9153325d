// Does pinning https to the checked IP keep certificate checking against the real host name?
// fixtures/: a test-only CA and a certificate for DNS:good.test signed by it (EC P-256, valid
// 2025–2125; made with `openssl ca`). The private key is a throwaway that guards nothing.
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { safeFetch, type SafeFetchOptions } from "../../src/metadata/safe-fetch";
import { type Fixture, html, startFixture } from "./fixture-server";

const fixtures = `${import.meta.dir}/fixtures`;
let ca: string;
let site: Fixture;

beforeAll(async () => {
  ca = await Bun.file(`${fixtures}/test-ca.pem`).text();
  site = startFixture(
    { "/": (request) => html(`<title>TLS ok for ${request.headers.get("host")}</title>`) },
    { tls: { cert: await Bun.file(`${fixtures}/good.test.pem`).text(), key: await Bun.file(`${fixtures}/good.test.key`).text() } },
  );
});
afterAll(() => site.stop());
afterEach(() => void (site.hits.length = 0));

const options = (): SafeFetchOptions => ({ allowPrivate: true, timeoutMs: 2000, ca, lookup: async () => ["127.0.0.1"] });
const body = (page: Awaited<ReturnType<typeof safeFetch>>) => (page?.body ? new TextDecoder().decode(page.body) : null);

test("https pinned to the checked address verifies the certificate against the URL's host name", async () => {
  const page = await safeFetch(`https://good.test:${site.port}/`, options());
  expect(body(page)).toBe(`<title>TLS ok for good.test:${site.port}</title>`);
});

test("a certificate for another name is refused although the address is the same", async () => {
  expect(await safeFetch(`https://evil.test:${site.port}/`, options())).toBeNull();
  expect(site.hits).toHaveLength(0); // the handshake failed: no HTTP request reached the server
});

test("an https URL with a bare IP needs a certificate for that IP", async () => {
  expect(await safeFetch(`https://127.0.0.1:${site.port}/`, options())).toBeNull();
});

test("a certificate from an untrusted CA is refused", async () => {
  expect(await safeFetch(`https://good.test:${site.port}/`, { ...options(), ca: undefined })).toBeNull();
  expect(site.hits).toHaveLength(0);
});

// The Bun behaviour the pinning relies on, asserted directly so an upgrade that changes it fails here.
test("Bun's fetch checks the certificate against tls.serverName, not the IP in the URL", async () => {
  const url = `https://127.0.0.1:${site.port}/`;
  const ok = await fetch(url, { headers: { host: "good.test" }, tls: { ca, serverName: "good.test" } });
  expect(await ok.text()).toBe("<title>TLS ok for good.test</title>");
  const mismatch = fetch(url, { headers: { host: "evil.test" }, tls: { ca, serverName: "evil.test" } });
  await expect(mismatch).rejects.toMatchObject({ code: "ERR_TLS_CERT_ALTNAME_INVALID" });
});
