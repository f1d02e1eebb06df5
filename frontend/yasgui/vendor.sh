#!/bin/sh
# Reproduces the vendored editor files from the npm registry (needs node and npm; CI does
# not: the files it writes are committed). Run from anywhere: frontend/yasgui/vendor.sh
#   server/static/vendor/yasgui/   @zazuko/yasgui's browser bundle (Yasqe + Yasr inside)
#   server/static/vendor/chartjs/  Chart.js, for the editor's chart view
# The source-map comment is dropped: the maps are not vendored, and a browser's developer
# tools would otherwise ask the server for them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
static="$here/../../server/static/vendor"
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund

strip_map() { sed '/^\/\/# sourceMappingURL=/d' "$1" > "$2"; }

out="$static/yasgui"
rm -rf "$out" && mkdir -p "$out"
pkg=node_modules/@zazuko/yasgui
strip_map "$pkg/build/yasgui.min.js" "$out/yasgui.min.js"
cp "$pkg/build/yasgui.min.css" "$out/yasgui.min.css"
cp "$pkg/package.json" "$out/package.json"
node -p "require('./$pkg/package.json').version" > "$out/VERSION"
# The npm package ships no licence file; its package.json says MIT.
cp LICENSE.yasgui "$out/LICENSE"
# The bundle includes its dependencies (CodeMirror, DataTables, DOMPurify, …): their licences.
{
  echo "Licences of the packages bundled into yasgui.min.js (@zazuko/yasgui $(cat "$out/VERSION"))."
  for dir in $(find node_modules -maxdepth 3 -name package.json -not -path '*/node_modules/*/node_modules/*' \
                 | xargs -n1 dirname | sort -u); do
    case "$dir" in node_modules/chart.js|node_modules/@kurkle/*|node_modules/@types/*) continue;; esac
    name=$(node -p "require('./$dir/package.json').name" 2>/dev/null) || continue
    [ "$name" = undefined ] && continue
    version=$(node -p "require('./$dir/package.json').version")
    licence=$(node -p "JSON.stringify(require('./$dir/package.json').license || '')")
    echo; echo "=== $name $version — $licence"
    for f in "$dir"/LICEN[CS]E* "$dir"/licen[cs]e* "$dir"/License*; do
      [ -f "$f" ] && cat "$f" && break
    done
  done
} > "$out/THIRD_PARTY_LICENSES.txt"

out="$static/chartjs"
rm -rf "$out" && mkdir -p "$out"
pkg=node_modules/chart.js
strip_map "$pkg/dist/chart.umd.min.js" "$out/chart.umd.min.js"
cp "$pkg/LICENSE.md" "$out/LICENSE.md"
cp "$pkg/package.json" "$out/package.json"
node -p "require('./$pkg/package.json').version" > "$out/VERSION"
echo "vendored @zazuko/yasgui $(cat "$static/yasgui/VERSION"), chart.js $(cat "$out/VERSION")"
