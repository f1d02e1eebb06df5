#!/bin/sh
# Reproduces server/static/vendor/cytoscape/ from the npm registry: the versions pinned in
# package-lock.json, their built browser files, licences and package.json (the version).
# The built files are committed, so neither CI nor `make` needs npm.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../server/static/vendor/cytoscape"
cd "$here"
npm ci --no-audit --no-fund
rm -rf "$out"
mkdir -p "$out"
cp node_modules/cytoscape/dist/cytoscape.min.js "$out/"
cp node_modules/layout-base/layout-base.js node_modules/cose-base/cose-base.js \
   node_modules/cytoscape-fcose/cytoscape-fcose.js "$out/"
for pkg in cytoscape layout-base cose-base cytoscape-fcose; do
  cp "node_modules/$pkg/LICENSE" "$out/LICENSE.$pkg"
  cp "node_modules/$pkg/package.json" "$out/package.$pkg.json"
done
# One line per library: what the page loads, at which version.
(cd node_modules && for pkg in cytoscape layout-base cose-base cytoscape-fcose; do
  node -e "const p=require('./$pkg/package.json');console.log(p.name+' '+p.version+' '+p.license)"
done) > "$out/VERSION"
cat "$out/VERSION"
