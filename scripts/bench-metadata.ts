// How long extractMetadata takes on a 500 KB page (cut at </head>), against parsing the whole page.
// Run: bun run scripts/bench-metadata.ts
import { parseHTML } from "linkedom";
import { extractMetadata } from "../src/metadata/extract";

const head = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>A fairly ordinary article page &amp; its title</title>
<meta name="description" content="What a news site puts in its description, about one sentence long.">
<meta property="og:title" content="OG title"><meta property="og:description" content="OG description">
${Array.from({ length: 20 }, (_, i) => `<link rel="preload" href="/assets/chunk-${i}.js" as="script">`).join("\n")}
<script>window.__CONFIG__ = ${JSON.stringify({ feature: "x".repeat(2000) })};</script>
</head>`;
const paragraph = `<div class="para"><p>Lorem ipsum dolor sit amet, <a href="/x">consectetur</a> adipiscing elit, sed do <em>eiusmod</em> tempor.</p></div>\n`;
let page = `${head}<body>`;
while (page.length < 500 * 1024) page += paragraph;
page += "</body></html>";
const body = new TextEncoder().encode(page);

function median(runs: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

for (let i = 0; i < 50; i++) extractMetadata(body, "text/html; charset=utf-8"); // warm up
const result = extractMetadata(body, "text/html; charset=utf-8");
const extract = median(500, () => extractMetadata(body, "text/html; charset=utf-8"));
const undeclared = median(500, () => extractMetadata(body, "text/html"));
const whole = median(20, () => parseHTML(page));

console.log(`page: ${(body.byteLength / 1024).toFixed(0)} KB, title ${JSON.stringify(result.title)}`);
console.log(`extractMetadata, charset in header:   median ${extract.toFixed(3)} ms (500 runs)`);
console.log(`extractMetadata, no charset declared: median ${undeclared.toFixed(3)} ms (500 runs; UTF-8 validity check)`);
console.log(`linkedom parseHTML of the whole page: median ${whole.toFixed(1)} ms (20 runs)`);
