-- wrk script: GET /<slug> for a random slug from a file (one a line), from a random visitor (one of
-- several browsers and referrers, so clicks differ as real ones do), or always USER_AGENT when given.
-- With KURZ_BENCH_VISITORS=N (N > 0) in the environment, each request also carries X-Forwarded-For: one
-- of N random addresses, as a proxy in front of kurz would send for many visitors.
-- Usage: wrk -s slugs.lua URL -- SLUG_FILE [USER_AGENT]
local slugs = {}
-- Everything after "GET /<slug>": the request line's end and the headers, formatted once per visitor.
local tails = {}
-- With visitor addresses: the tails without their final blank line, and the addresses.
local heads, addresses = {}, {}

local agents = {
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.7 Mobile/15E148 Safari/604.1",
}
local referrers = { "https://news.example.org/2026/11/a-story-that-links-here", "https://t.co/abc123", "https://www.google.com/", false }

function init(args)
  for slug in io.lines(args[1]) do slugs[#slugs + 1] = slug end
  if #slugs == 0 then error("no slugs in " .. args[1]) end
  local only = args[2]
  for _, agent in ipairs(only and { only } or agents) do
    for _, referrer in ipairs(referrers) do
      local headers = { ["User-Agent"] = agent, ["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" }
      if referrer then headers["Referer"] = referrer end
      tails[#tails + 1] = wrk.format("GET", "/", headers):sub(6) -- drop "GET /"
    end
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  local visitors = tonumber(os.getenv("KURZ_BENCH_VISITORS") or "0") or 0
  if visitors > 0 then
    for i, tail in ipairs(tails) do heads[i] = tail:sub(1, -3) end -- keep the last header's "\r\n"
    for i = 1, visitors do
      addresses[i] = string.format("%d.%d.%d.%d", math.random(1, 223), math.random(0, 255), math.random(0, 255), math.random(1, 254))
    end
  end
end

function request()
  local slug = slugs[math.random(#slugs)]
  if #addresses == 0 then return "GET /" .. slug .. tails[math.random(#tails)] end
  return "GET /" .. slug .. heads[math.random(#heads)] .. "X-Forwarded-For: " .. addresses[math.random(#addresses)] .. "\r\n\r\n"
end
