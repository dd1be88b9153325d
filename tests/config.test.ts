// loadConfig: flags win over environment, environment over defaults; bad values are refused by name.
import { describe, expect, test } from "bun:test";
import { ConfigError, configOptions, loadConfig, type Config, type ConfigFlags } from "../src/config";

type Option = keyof typeof configOptions;

/** The ConfigError loadConfig throws, or a failed expectation when it throws nothing or something else. */
function configError(flags: ConfigFlags, env: Record<string, string> = {}): ConfigError {
  try {
    loadConfig(flags, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig(${JSON.stringify(flags)}, ${JSON.stringify(env)}) did not throw`);
}

describe("defaults", () => {
  test("with no flags and no environment every setting has its documented default", () => {
    const config = loadConfig({}, {});
    expect(config).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      db: "./data/kurz.sqlite",
      baseUrl: "http://localhost:8080",
      slugLength: 6,
      apiRateLimit: 6000,
      trustProxy: false,
      fetchAllowPrivate: false,
      geoipDb: null,
      redirectStatus: 302,
      appendExtraPath: false,
      disableTrackParam: null,
      disableTrackingFrom: [],
      rootRedirect: null,
      notFoundRedirect: null,
      adminEmail: null,
      adminPassword: null,
    } satisfies Config);
  });

  test("an empty environment variable counts as unset", () => {
    const env = Object.fromEntries(Object.values(configOptions).map((o) => [o.env, ""]));
    expect(loadConfig({}, env)).toEqual(loadConfig({}, {}));
  });

  test("the process environment is read when no environment is passed", () => {
    const saved = process.env.KURZ_SLUG_LENGTH;
    process.env.KURZ_SLUG_LENGTH = "9";
    try {
      expect(loadConfig({}).slugLength).toBe(9);
    } finally {
      if (saved === undefined) delete process.env.KURZ_SLUG_LENGTH;
      else process.env.KURZ_SLUG_LENGTH = saved;
    }
  });
});

// One row per option: a value for the environment, a different one for the flag, and what each gives.
const cases: Record<Option, { env: string; flag: string | boolean; fromEnv: unknown; fromFlag: unknown }> = {
  port: { env: "9000", flag: "9001", fromEnv: 9000, fromFlag: 9001 },
  host: { env: "127.0.0.1", flag: "::1", fromEnv: "127.0.0.1", fromFlag: "::1" },
  db: { env: "/var/lib/kurz/env.sqlite", flag: "/tmp/flag.sqlite", fromEnv: "/var/lib/kurz/env.sqlite", fromFlag: "/tmp/flag.sqlite" },
  baseUrl: { env: "https://env.example", flag: "https://flag.example:8443", fromEnv: "https://env.example", fromFlag: "https://flag.example:8443" },
  trustProxy: { env: "1", flag: false, fromEnv: true, fromFlag: false },
  fetchAllowPrivate: { env: "off", flag: true, fromEnv: false, fromFlag: true },
  slugLength: { env: "8", flag: "10", fromEnv: 8, fromFlag: 10 },
  apiRateLimit: { env: "100", flag: "0", fromEnv: 100, fromFlag: 0 },
  geoipDb: { env: "/srv/env.mmdb", flag: "/srv/flag.mmdb", fromEnv: "/srv/env.mmdb", fromFlag: "/srv/flag.mmdb" },
  redirectStatus: { env: "301", flag: "308", fromEnv: 301, fromFlag: 308 },
  appendExtraPath: { env: "yes", flag: false, fromEnv: true, fromFlag: false },
  disableTrackParam: { env: "kurz_test", flag: "notrack", fromEnv: "kurz_test", fromFlag: "notrack" },
  disableTrackingFrom: { env: "203.0.113.0/24, 2001:db8::/32", flag: "198.51.100.7", fromEnv: ["203.0.113.0/24", "2001:db8::/32"], fromFlag: ["198.51.100.7"] },
  rootRedirect: { env: "https://env.example/", flag: "https://flag.example/home", fromEnv: "https://env.example/", fromFlag: "https://flag.example/home" },
  notFoundRedirect: { env: "https://env.example/404", flag: "http://flag.example/", fromEnv: "https://env.example/404", fromFlag: "http://flag.example/" },
};

describe("flags and environment", () => {
  for (const [key, option] of Object.entries(configOptions) as [Option, (typeof configOptions)[Option]][]) {
    const c = cases[key];

    test(`${option.env} sets ${key} when --${option.flag} is not given`, () => {
      expect(loadConfig({}, { [option.env]: c.env })[key]).toEqual(c.fromEnv as never);
    });

    test(`--${option.flag} sets ${key} and wins over ${option.env}`, () => {
      expect(loadConfig({ [option.flag]: c.flag }, { [option.env]: c.env })[key]).toEqual(c.fromFlag as never);
    });
  }

  test("the base URL follows a port given by flag, not the one in the environment", () => {
    expect(loadConfig({ port: "3000" }, { PORT: "4000" }).baseUrl).toBe("http://localhost:3000");
  });

  test("the base URL follows a port given in the environment", () => {
    expect(loadConfig({}, { PORT: "4000" }).baseUrl).toBe("http://localhost:4000");
  });

  test("an explicit base URL is not replaced by the port", () => {
    expect(loadConfig({ port: "3000" }, { KURZ_BASE_URL: "https://s.example" }).baseUrl).toBe("https://s.example");
  });

  test("the base URL is its origin: a trailing slash is dropped, a path is refused (short links live at the root)", () => {
    expect(loadConfig({ "base-url": "https://s.example/" }, {}).baseUrl).toBe("https://s.example");
    for (const bad of ["https://s.example/go", "https://s.example/?q=1", "https://user@s.example"]) {
      expect(configError({ "base-url": bad }).message).toContain("without a path");
    }
  });

  test("the first admin comes from KURZ_ADMIN_EMAIL and KURZ_ADMIN_PASSWORD", () => {
    const config = loadConfig({}, { KURZ_ADMIN_EMAIL: "root@example.com", KURZ_ADMIN_PASSWORD: "long enough" });
    expect(config.adminEmail).toBe("root@example.com");
    expect(config.adminPassword).toBe("long enough");
  });

  test("port 0 (any free port) is accepted", () => {
    expect(loadConfig({ port: "0" }, {}).port).toBe(0);
  });
});

describe("invalid values", () => {
  test("a disable-track parameter that is no plain name, and tracking ranges that are no addresses, are refused by name", () => {
    for (const bad of ["a b", "x=1", "a&b", "x".repeat(65), "ä"]) {
      expect(configError({ "disable-track-param": bad }).message).toStartWith("--disable-track-param / KURZ_DISABLE_TRACK_PARAM must be a query parameter name");
    }
    for (const bad of ["10.0.0.0/33", "example.com", "10.0.0", "::1/129", "10.0.0.0/8,nope"]) {
      expect(configError({}, { KURZ_DISABLE_TRACKING_FROM: bad }).message).toStartWith("--disable-tracking-from / KURZ_DISABLE_TRACKING_FROM must list IP addresses or CIDR ranges");
    }
  });

  test("a redirect status other than 301, 302, 307 or 308 is refused by name", () => {
    for (const bad of ["200", "303", "300", "301.0", "abc", "3O1"]) {
      expect(configError({ "redirect-status": bad }).message).toBe(`--redirect-status / KURZ_REDIRECT_STATUS must be one of 301, 302, 307, 308, got "${bad}"`);
    }
  });

  test("a root or not-found redirect that is no absolute http(s) URL is refused by name", () => {
    for (const bad of ["example.com", "/home", "javascript:alert(1)", "ftp://example.com/", "https://example.com/\r\nx: y"]) {
      expect(configError({ "root-redirect": bad }).message).toContain("--root-redirect / KURZ_ROOT_REDIRECT must be an absolute http(s) URL");
      expect(configError({}, { KURZ_NOT_FOUND_REDIRECT: bad }).message).toContain("--not-found-redirect / KURZ_NOT_FOUND_REDIRECT");
    }
  });

  test('port "abc" is refused, naming --port', () => {
    expect(configError({ port: "abc" }).message).toContain("--port");
    expect(configError({}, { PORT: "abc" }).message).toContain("--port");
  });

  test("port 70000 is refused, naming --port", () => {
    expect(configError({ port: "70000" }).message).toContain("--port");
  });

  test("a negative or fractional port is refused", () => {
    expect(configError({ port: "-1" }).message).toContain("--port");
    expect(configError({ port: "80.5" }).message).toContain("--port");
  });

  test("slug length 2 is refused, naming --slug-length", () => {
    expect(configError({ "slug-length": "2" }).message).toContain("--slug-length");
    expect(configError({}, { KURZ_SLUG_LENGTH: "2" }).message).toContain("--slug-length");
  });

  test("api rate limit -1 is refused, naming --api-rate-limit", () => {
    expect(configError({ "api-rate-limit": "-1" }).message).toContain("--api-rate-limit");
    expect(configError({}, { KURZ_API_RATE_LIMIT: "-1" }).message).toContain("--api-rate-limit");
  });

  test('base URL "ftp://x" is refused, naming --base-url', () => {
    expect(configError({ "base-url": "ftp://x" }).message).toContain("--base-url");
    expect(configError({}, { KURZ_BASE_URL: "ftp://x" }).message).toContain("--base-url");
  });

  test("a base URL that is not a URL is refused, naming --base-url", () => {
    expect(configError({ "base-url": "not a url" }).message).toContain("--base-url");
  });

  test('KURZ_TRUST_PROXY "maybe" is refused, naming --trust-proxy', () => {
    expect(configError({}, { KURZ_TRUST_PROXY: "maybe" }).message).toContain("--trust-proxy");
  });

  test('KURZ_FETCH_ALLOW_PRIVATE "maybe" is refused, naming --fetch-allow-private', () => {
    expect(configError({}, { KURZ_FETCH_ALLOW_PRIVATE: "maybe" }).message).toContain("--fetch-allow-private");
  });

  test("a bad environment value does not matter when the flag overrides it", () => {
    expect(loadConfig({ port: "8081" }, { PORT: "abc" }).port).toBe(8081);
  });
});

describe("boolean environment values", () => {
  for (const key of ["trustProxy", "fetchAllowPrivate"] as const) {
    const env = configOptions[key].env;
    for (const value of ["1", "true", "on", "TRUE", " On "]) {
      test(`${env}="${value}" turns ${key} on`, () => {
        expect(loadConfig({}, { [env]: value })[key]).toBe(true);
      });
    }
    for (const value of ["0", "false", "off", "FALSE"]) {
      test(`${env}="${value}" leaves ${key} off`, () => {
        expect(loadConfig({}, { [env]: value })[key]).toBe(false);
      });
    }
  }
});
