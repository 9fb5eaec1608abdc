// Where a profile's frame comes from: node_modules/<package>, Node's internals, or the project's own file.
export function where(url) {
  if (!url) return '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node:internals';
  const s = /\/(dist\/src\/.*|bench\/.*)$/.exec(url);
  return s ? s[1].replace(/^dist\//, '') : url;
}
