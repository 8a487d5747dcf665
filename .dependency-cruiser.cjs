/**
 * The layers of packages/byok-core/src (see ARCHITECTURE.md), checked by `npm run lint:architecture`.
 * A module may import its own layer and the layers below it; a type-only import may also reach up
 * (a service names the options type it reads). Tests and the in-repo fakes are not checked.
 */
const SRC = '^packages/byok-core/src/';
const LAYERS = [
  { name: 'foundation', folders: ['errors', 'text', 'ids', 'logging', 'quotas', 'outbound', 'providers'] },
  { name: 'storage', folders: ['crypto', 'store', 'scheduling', 'cache'] },
  {
    name: 'domain',
    folders: [
      'audit',
      'keys',
      'alerts',
      'usage',
      'owners',
      'validation',
      'fallback',
      'metrics',
      'health',
      'gateway',
      'migration',
      'integrations',
    ],
  },
  { name: 'configuration', folders: ['config', 'manager'], files: ['wiring.ts', 'create-byok.ts'] },
  { name: 'surface', folders: ['http', 'adapters', 'server'], files: ['index.ts'] },
];

const layerPath = (layer) =>
  [
    ...layer.folders.map((folder) => `${SRC}${folder}/`),
    ...(layer.files ?? []).map((file) => `${SRC}${file.replace('.', '\\.')}$`),
  ].join('|');

const upwardRules = LAYERS.slice(0, -1).map((layer, index) => ({
  name: `no-upward-from-${layer.name}`,
  comment: `The ${layer.name} layer imports only itself and the layers below it (type-only imports excepted).`,
  severity: 'error',
  from: { path: layerPath(layer), pathNot: '\\.test\\.ts$' },
  to: {
    path: LAYERS.slice(index + 1)
      .map(layerPath)
      .join('|'),
    dependencyTypesNot: ['type-only'],
  },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...upwardRules,
    {
      name: 'no-circular',
      comment: 'No import cycles at run time (a cycle made only of type-only imports is harmless).',
      severity: 'error',
      from: { pathNot: '\\.test\\.ts$' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'layer-known',
      comment: 'Every library folder belongs to a layer of ARCHITECTURE.md (add a new one there and here).',
      severity: 'error',
      from: {
        path: SRC,
        pathNot: [`${SRC}testing/`, '\\.test\\.ts$', ...LAYERS.map(layerPath)],
      },
      to: {},
    },
    {
      name: 'apps-use-package-exports',
      comment: 'The server imports the library through its package exports, never its source files.',
      severity: 'error',
      from: { path: '^apps/[^/]+/src/', pathNot: '\\.test\\.ts$' },
      to: { path: '^packages/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '/dist/', '\\.d\\.ts$'] },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { conditionNames: ['@stack-2025/source', 'import', 'types', 'default'] },
    combinedDependencies: false,
  },
};
