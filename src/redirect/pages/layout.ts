// The shell every visitor-facing page shares: one inline stylesheet allowed by its hash in the CSP.
import { cspHash, html, htmlResponse, SafeHtml } from "../../http/html";

const style = `*{box-sizing:border-box}body{margin:0;min-height:100vh;display:grid;place-items:center;background:#f4f5f7;
color:#1d2330;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}main{width:min(92vw,26rem);
background:#fff;border-radius:14px;padding:2rem;box-shadow:0 6px 28px rgba(20,30,60,.09)}h1{font-size:1.35rem;margin:0 0 .5rem}
p{margin:.4rem 0 1rem;color:#4a5266}label{display:block;font-weight:600;margin-bottom:.35rem}input{width:100%;font:inherit;
padding:.65rem .8rem;border:1px solid #c9ceda;border-radius:8px}button{margin-top:1rem;width:100%;font:inherit;font-weight:600;
padding:.7rem;border:0;border-radius:8px;background:#3454d1;color:#fff;cursor:pointer}.error{color:#b42318}.code{font-size:3rem;
font-weight:700;color:#3454d1;margin:0}.url{overflow-wrap:anywhere}.title{font-weight:600;color:#1d2330}.qr{display:block;
margin:0 auto}a.button{display:block;margin-top:1rem;text-align:center;font-weight:600;padding:.7rem;border-radius:8px;
background:#3454d1;color:#fff;text-decoration:none}`;

// No form-action: Chromium applies it to the redirect that follows a right password too, and the
// destination is always another origin.
const csp = `default-src 'none'; style-src ${cspHash(style)}; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'`;

export function page(title: string, content: SafeHtml, status = 200, headers: Record<string, string> = {}): Response {
  const body = html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${title}</title><style>${new SafeHtml(style)}</style></head><body><main>${content}</main></body></html>`;
  return htmlResponse(body, { status, csp, headers });
}
