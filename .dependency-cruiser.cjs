/**
 * The import rules of docs/architecture.md, checked by `npm test` (dependency-cruiser; ADR 0011).
 * Layers from the top: the renderer, the hosts, service, report, profile, run (the one run path),
 * collections, engine, native. Each imports only from the layers below it; `api/` (the contract and the pure helpers
 * both sides share: formatting, chunk numbering) imports nothing and may be imported by all.
 */
const below = (layers) => `^src-main/(${layers.join('|')})/`;

module.exports = {
  forbidden: [
    {
      name: 'renderer-imports-api-only',
      comment: 'The window reaches the main process only through the contract (src-main/api) and a transport.',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { path: '^src-main/', pathNot: '^src-main/api/' },
    },
    {
      name: 'api-imports-nothing',
      comment: 'The contract and its shared helpers are the bottom layer for both sides: no logic from elsewhere.',
      severity: 'error',
      from: { path: '^src-main/api/' },
      to: { path: '^(src-main|src-renderer)/', pathNot: '^src-main/api/' },
    },
    {
      name: 'native-imports-nothing',
      comment: 'The typed face of the addon depends on nothing else in the app.',
      severity: 'error',
      from: { path: '^src-main/native/' },
      to: { path: '^(src-main|src-renderer)/', pathNot: '^src-main/native/' },
    },
    {
      name: 'engine-imports-native-and-api',
      comment: 'The generic core knows nothing of collections, the service, profiles, reports or hosts.',
      severity: 'error',
      from: { path: '^src-main/engine/' },
      to: { path: below(['lang', 'collections', 'run', 'service', 'profile', 'report', 'hosts']) },
    },
    {
      name: 'sdk-is-a-host',
      comment: 'The TypeScript API (the package exports) stands beside the CLI: it runs specs through the run path; nothing else imports it.',
      severity: 'error',
      from: { path: '^src-main/', pathNot: '^src-main/sdk/' },
      to: { path: '^src-main/sdk/' },
    },
    {
      name: 'sdk-below-nothing-but-hosts',
      comment: 'The API builds specs and runs them; it knows no service, window or host.',
      severity: 'error',
      from: { path: '^src-main/sdk/' },
      to: { path: below(['service', 'hosts', 'report', 'profile']) },
    },
    {
      name: 'collections-import-engine-native-api',
      comment: 'A collection builds on the engine; the service runs it, never the other way round.',
      severity: 'error',
      from: { path: '^src-main/collections/' },
      to: { path: below(['run', 'service', 'profile', 'report', 'hosts']) },
    },
    {
      name: 'lang-below-collections',
      comment: 'The expression language every collection parses: it knows no collection and no layer above.',
      severity: 'error',
      from: { path: '^src-main/lang/' },
      to: { path: below(['collections', 'run', 'service', 'profile', 'report', 'hosts']) },
    },
    {
      name: 'collections-not-sideways',
      comment: 'Each collection (array, and the ones to come) stands on the engine alone, not on another collection.',
      severity: 'error',
      from: { path: '^src-main/collections/([^/]+)/' },
      to: { path: '^src-main/collections/', pathNot: '^src-main/collections/$1/' },
    },
    {
      name: 'run-path-below-service-and-profile',
      comment: 'The one run path (spec -> build -> run -> outputs) serves the service and the profiler alike.',
      severity: 'error',
      from: { path: '^src-main/run/' },
      to: { path: below(['service', 'profile', 'report', 'hosts']) },
    },
    {
      name: 'cluster-is-a-backend-beside-run',
      comment: 'A Dask cluster is a Backend of the run path (ADR 0029): it builds on the run path, collections and engine, and only hosts and the service choose it.',
      severity: 'error',
      from: { path: '^src-main/cluster/' },
      to: { path: below(['service', 'profile', 'report', 'hosts', 'sdk']) },
    },
    {
      name: 'below-the-run-path-no-cluster',
      severity: 'error',
      from: { path: below(['run', 'collections', 'engine', 'native', 'lang', 'api']) },
      to: { path: '^src-main/cluster/' },
    },
    {
      name: 'profile-below-service-and-report',
      comment: 'Profiling runs jobs through the run path; the service and the reports use profiles.',
      severity: 'error',
      from: { path: '^src-main/profile/' },
      to: { path: below(['service', 'report', 'hosts']) },
    },
    {
      name: 'report-below-service',
      severity: 'error',
      from: { path: '^src-main/report/' },
      to: { path: below(['service', 'hosts']) },
    },
    {
      name: 'no-circular',
      comment: 'Modules that import each other, directly or round a loop, are one layer pretending to be two.',
      severity: 'error',
      from: { path: '^src-(main|renderer)/' },
      to: { circular: true },
    },
    {
      name: 'nothing-imports-hosts',
      comment: 'Hosts are the thin shells on top: no layer below may depend on one.',
      severity: 'error',
      from: { path: '^src-main/', pathNot: '^src-main/hosts/' },
      to: { path: '^src-main/hosts/' },
    },
    {
      name: 'main-never-imports-renderer',
      severity: 'error',
      from: { path: '^src-main/' },
      to: { path: '^src-renderer/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|out|node_modules|test)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.vue', '.js', '.mjs'] },
  },
};
