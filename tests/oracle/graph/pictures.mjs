// Reads dockerdsl's graph pictures as their own tools read them, for
// tests/integration/graph_pictures.rs: Mermaid (the `mermaid` package, rendered to SVG in
// jsdom) and Graphviz (`dot -Tsvg`). One request a line on stdin, a JSON object
// {"mermaid": TEXT, "dot": TEXT}; one answer a line on stdout, {"mermaid": R, "dot": R},
// where R is {"nodes": [[id, text]], "edges": [[from, to, text, style]]} (style: "solid",
// "dashed" or "candidate"), sorted, or {"error": MESSAGE}; Mermaid's R also says whether it
// drew the picture only with the fix below ("needs_fix"). A text is what the picture shows:
// the SVG's text content, whitespace runs as one space, trimmed (as both draw it).
//
// The packages come from the directory in DOCKERDSL_GRAPH_ORACLE (`.ci/graph-oracle-setup`
// installs them there with `npm ci`, pinned by package-lock.json beside this file).
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = process.env.DOCKERDSL_GRAPH_ORACLE;
if (!dir) {
  console.error('DOCKERDSL_GRAPH_ORACLE is not set');
  process.exit(2);
}
const require = createRequire(join(dir, 'package.json'));
const { JSDOM } = require('jsdom');

// Mermaid draws into a browser's DOM; jsdom stands in for it. jsdom lays nothing out, so
// sizes are made up from the text's length: they move boxes, not what a box says.
const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
for (const key of ['window', 'document', 'navigator', 'Element', 'HTMLElement', 'SVGElement',
  'Node', 'DOMParser', 'XMLSerializer', 'MutationObserver', 'CSSStyleSheet', 'getComputedStyle']) {
  if (!(key in globalThis)) globalThis[key] = key === 'window' ? dom.window : dom.window[key];
}
dom.window.SVGElement.prototype.getBBox = function () {
  return { x: 0, y: 0, width: 8 * (this.textContent || '').length + 1, height: 16 };
};
dom.window.SVGElement.prototype.getComputedTextLength = function () {
  return 8 * (this.textContent || '').length;
};
// Mermaid 11.17.2 writes each edge's points into a `data-points` attribute with `btoa`, which
// throws on text outside Latin-1, and some layouts put a rounded box's label among the
// points: one `"` (`#quot;`, which Mermaid turns into private characters while it draws) or
// one `é` in such a label and the whole picture fails, in a browser too
// (mermaid-js/mermaid#8251, open). The attribute is only informational, so this `btoa` takes
// any text (as that pull request's fix does) and the labels can be read; the answer says
// whether the picture needed it (`needs_fix`), that is, whether Mermaid as released fails on it.
let outsideLatin1 = false;
const latin1Btoa = globalThis.btoa;
globalThis.btoa = (text) => {
  if (/[^\u0000-\u00ff]/u.test(text)) outsideLatin1 = true;
  return latin1Btoa(String.fromCharCode(...new TextEncoder().encode(text)));
};
const mermaid = (await import(pathToFileURL(require.resolve('mermaid')).href)).default;
mermaid.initialize({ startOnLoad: false });

const shown = (node) => (node ? node.textContent : '').replace(/\s+/g, ' ').trim();
const sorted = (r) => {
  r.nodes.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  r.edges.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return r;
};

let count = 0;
async function readMermaid(text) {
  count += 1;
  outsideLatin1 = false;
  const { svg } = await mermaid.render(`graph${count}`, text);
  // Read as a web page that shows the picture reads it: the SVG inside HTML.
  const doc = new JSDOM(svg).window.document;
  const nodes = [...doc.querySelectorAll('g.node')].map((g) => {
    // `<render id>-flowchart-<node id>-<n>`
    const id = g.id.replace(/^.*-flowchart-/, '').replace(/-\d+$/, '');
    return [id, shown(g)];
  });
  const labels = new Map();
  for (const g of doc.querySelectorAll('g.edgeLabel > g.label')) {
    labels.set(g.getAttribute('data-id'), shown(g));
  }
  const edges = [...doc.querySelectorAll('path.flowchart-link')].map((p) => {
    const id = p.getAttribute('data-id');
    const [, from, to] = /^L_([^_]+)_([^_]+)_\d+$/.exec(id) || [];
    const style = /stroke-dasharray:\s*2 6/.test(p.getAttribute('style') || '')
      ? 'candidate'
      : /edge-pattern-(dotted|dashed)/.test(p.getAttribute('class') || '')
        ? 'dashed'
        : 'solid';
    return [from, to, labels.get(id) ?? '', style];
  });
  return { ...sorted({ nodes, edges }), needs_fix: outsideLatin1 };
}

function readDot(text) {
  const run = spawnSync('dot', ['-Tsvg'], { input: text, encoding: 'utf8' });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(run.stderr.trim());
  const doc = new JSDOM(run.stdout, { contentType: 'image/svg+xml' }).window.document;
  const nodes = [...doc.querySelectorAll('g.node')].map((g) => [
    shown(g.querySelector('title')),
    [...g.querySelectorAll('text')].map(shown).join(' '),
  ]);
  const edges = [...doc.querySelectorAll('g.edge')].map((g) => {
    const [from, to] = shown(g.querySelector('title')).split('->');
    const dash = g.querySelector('path')?.getAttribute('stroke-dasharray');
    const style = dash === '1,5' ? 'candidate' : dash === '5,2' ? 'dashed' : 'solid';
    return [from, to, [...g.querySelectorAll('text')].map(shown).join(' '), style];
  });
  return sorted({ nodes, edges });
}

const settle = async (f) => {
  try {
    return await f();
  } catch (e) {
    return { error: String((e && e.message) || e) };
  }
};

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const { mermaid: m, dot: d } = JSON.parse(line);
  const answer = { mermaid: await settle(() => readMermaid(m)), dot: await settle(() => readDot(d)) };
  process.stdout.write(JSON.stringify(answer) + '\n');
}
