// Renders a Helm chart as `helm template` does, with Go's own text/template (compiled to wasm), and
// validates every manifest against the Kubernetes OpenAPI schemas of kubernetes-models.
//
//   node render.mjs CHART_DIR RELEASE NAMESPACE [VALUES.yaml ...]
//
// Prints one JSON object: {"manifests": [{template, object, errors}], "error": "..."}.
// Differences from Helm, on purpose: no Sprig functions (the chart uses builtins only), and a value
// missing from values.yaml is an error here (Helm prints nothing for it), so typos cannot pass.
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { parse } from '@evertdespiegeleer/go-template';

const [chartDir, release, namespace, ...valueFiles] = process.argv.slice(2);
if (!chartDir || !release || !namespace) {
  console.error('usage: node render.mjs CHART_DIR RELEASE NAMESPACE [VALUES.yaml ...]');
  process.exit(2);
}

// Helm's coalescing: maps merge key by key, anything else replaces, null removes.
function merge(base, over) {
  if (over === null || typeof over !== 'object' || Array.isArray(over)
      || base === null || typeof base !== 'object' || Array.isArray(base)) {
    return over;
  }
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else out[k] = merge(base[k], v);
  }
  return out;
}

const load = (f) => yaml.load(fs.readFileSync(f, 'utf8')) ?? {};
const chart = load(path.join(chartDir, 'Chart.yaml'));
let values = load(path.join(chartDir, 'values.yaml'));
for (const f of valueFiles) values = merge(values, load(f));

const data = {
  Values: values,
  Release: { Name: release, Namespace: namespace, Service: 'Helm', IsInstall: true, IsUpgrade: false, Revision: 1 },
  Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
};

// Named templates from _*.tpl files are visible in every template, as in Helm.
const dir = path.join(chartDir, 'templates');
const files = fs.readdirSync(dir).sort();
const helpers = files.filter((f) => f.startsWith('_')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');

const kinds = {
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'v1/Secret': 'kubernetes-models/v1/Secret',
  'v1/Service': 'kubernetes-models/v1/Service',
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'apps/v1/DaemonSet': 'kubernetes-models/apps/v1/DaemonSet',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/policy/v1/PodDisruptionBudget',
};

// The package's parse() keeps only part of Go's error text; its wasm export gives all of it.
async function render(template, values) {
  await parse('', {});
  return globalThis.Render(template, JSON.stringify(values));
}

const result = { manifests: [] };
try {
  for (const f of files.filter((f) => f.endsWith('.yaml') && !f.startsWith('_'))) {
    const text = await render(helpers + '\n' + fs.readFileSync(path.join(dir, f), 'utf8'), data);
    if (/^(Template (exec|parse) error|JSON parse error):/.test(text)) {
      throw new Error(`${f}: ${text}`);
    }
    for (const doc of yaml.loadAll(text)) {
      if (doc === null || doc === undefined) continue;
      const m = { template: f, object: doc, errors: [] };
      const module = kinds[`${doc.apiVersion}/${doc.kind}`];
      if (!module) {
        m.errors.push(`no schema for ${doc.apiVersion} ${doc.kind}`);
      } else {
        const Model = Object.values(await import(module))[0];
        try {
          new Model(doc).validate();
        } catch (e) {
          m.errors.push(e.message);
        }
        if (doc.metadata?.namespace !== undefined && doc.metadata.namespace !== namespace) {
          m.errors.push(`namespace ${doc.metadata.namespace} is not the release's`);
        }
      }
      result.manifests.push(m);
    }
  }
} catch (e) {
  result.error = e.message;
}
process.stdout.write(JSON.stringify(result));
