/** Renders a self-contained HTML reference from an OpenAPI document: no scripts, no remote assets. */

type Json = Record<string, unknown>;

const escapeHtml = (value: unknown): string =>
  String(value).replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string,
  );

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const refName = (ref: unknown): string | undefined =>
  typeof ref === 'string' ? ref.replace('#/components/schemas/', '') : undefined;

function schemaLink(schema: unknown): string {
  const s = (schema ?? {}) as Json;
  const name = refName(s.$ref);
  if (name) return `<a href="#schema-${escapeHtml(name)}"><code>${escapeHtml(name)}</code></a>`;
  return `<pre>${escapeHtml(JSON.stringify(s, null, 2))}</pre>`;
}

function renderOperation(path: string, method: string, op: Json): string {
  const id = `${method}-${path}`.replace(/[^a-zA-Z0-9]+/g, '-');
  const params = (op.parameters as Json[] | undefined) ?? [];
  const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
  const responses = (op.responses as Record<string, Json> | undefined) ?? {};
  const secured = Array.isArray(op.security) && op.security.length > 0;
  const rows = params
    .map((p) => {
      const schema = (p.schema ?? {}) as Json;
      const type = schema.enum ? (schema.enum as unknown[]).join(' | ') : (schema.type ?? '');
      return `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${escapeHtml(type)}</td><td>${p.required ? 'yes' : ''}</td><td>${escapeHtml(p.description ?? (schema.description as string | undefined) ?? '')}</td></tr>`;
    })
    .join('');
  return `<section class="op" id="${escapeHtml(id)}">
<h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary ?? '')}${secured ? ' <span class="auth">Bearer token</span>' : ''}</p>
${op.description ? `<p class="desc">${escapeHtml(op.description)}</p>` : ''}
${rows ? `<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>Required</th><th>About</th></tr>${rows}</table>` : ''}
${body ? `<p><strong>Body</strong> (${escapeHtml(Object.keys(body).join(', '))}${(op.requestBody as Json).required ? '' : ', optional'}): ${schemaLink(Object.values(body)[0]?.schema)}</p>` : ''}
<ul class="responses">${Object.entries(responses)
    .map(([status, response]) => {
      const content = response.content as Record<string, Json> | undefined;
      const schema = content ? Object.values(content)[0]?.schema : undefined;
      return `<li><strong>${escapeHtml(status)}</strong> ${escapeHtml(response.description ?? '')}${schema ? ` — ${schemaLink(schema)}` : ''}</li>`;
    })
    .join('')}</ul>
</section>`;
}

export function renderDocsPage(document: Json): string {
  const info = (document.info ?? {}) as Json;
  const paths = (document.paths ?? {}) as Record<string, Json>;
  const schemas = ((document.components as Json | undefined)?.schemas ?? {}) as Record<string, unknown>;
  const operations: string[] = [];
  const toc: string[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const id = `${method}-${path}`.replace(/[^a-zA-Z0-9]+/g, '-');
      toc.push(
        `<li><a href="#${escapeHtml(id)}"><span class="method ${method}">${method.toUpperCase()}</span> ${escapeHtml(path)}</a></li>`,
      );
      operations.push(renderOperation(path, method, op));
    }
  }
  const schemaSections = Object.entries(schemas)
    .map(
      ([name, schema]) =>
        `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title ?? 'API')} — reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;display:flex;color:#1d2330}
nav{width:320px;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f4f5f7;padding:1rem;box-sizing:border-box}
nav ul{list-style:none;padding:0;margin:0}nav li{margin:.2rem 0;font-size:13px}nav a{color:inherit;text-decoration:none}
main{padding:1rem 2rem;max-width:960px}
.method{display:inline-block;min-width:3.6em;font:bold 11px monospace;padding:2px 4px;border-radius:3px;color:#fff;text-align:center;background:#667}
.get{background:#2f7d32}.post{background:#1565c0}.patch{background:#b26a00}.put{background:#6a1b9a}.delete{background:#c62828}
.op{border-top:1px solid #ddd;padding:.5rem 0}.auth{font-size:12px;background:#eee;padding:1px 6px;border-radius:8px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}
pre{background:#f7f7f9;padding:.5rem;overflow:auto;font-size:12px}
</style></head><body>
<nav><strong>${escapeHtml(info.title ?? 'API')}</strong> <small>${escapeHtml(info.version ?? '')}</small><ul>${toc.join('')}</ul>
<p><a href="openapi.json">openapi.json</a></p></nav>
<main><h1>${escapeHtml(info.title ?? 'API')}</h1>
<p>${escapeHtml(info.description ?? '')}</p>
<p>Errors always look like <code>{"error":{"code","message","requestId"}}</code>; every answer carries <code>x-request-id</code>.</p>
<h2>Operations</h2>
${operations.join('\n')}
<h2>Schemas</h2>
${schemaSections}
</main></body></html>`;
}
