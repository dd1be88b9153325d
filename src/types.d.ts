// Files the bundler embeds as text or as a path inside the binary.
declare module "*.sql" { const text: string; export default text; }
declare module "*.mmdb" { const path: string; export default path; }
declare module "*.css" { const path: string; export default path; }
declare module "*.html" { const text: string; export default text; }
declare module "swagger-ui-dist/*" { const path: string; export default path; }
