#!/usr/bin/env bash
# Builds the single-page apps into frontend/dist without downloading any binary:
#   dist/portal.html                    the customer portal's page (served for /p/{org}/…)
#   dist/admin.html                     the issuer's admin app (served for /admin/…)
#   dist/assets/<name>-<hash>.<ext>     content-hashed JS, wasm, CSS, icon (cached for a year)
#   dist/assets/<app>-split-<hash>.js   the loader of the lazily loaded pages' wasm chunks
#   dist/assets/<app>-split-…-<hash>.wasm, <app>-chunk-…-<hash>.wasm   those chunks
#
# Installs what is missing: the wasm32 target, wasm-bindgen-cli at exactly the version of the
# wasm-bindgen crate in Cargo.lock (built from crates.io), wasm-split-cli (crates.io
# wasm_split_cli_support, which cuts the bundle per lazily loaded page), wasm-opt from the npm
# package binaryen (package-lock.json). Skips the post-processing when nothing changed.
set -euo pipefail
cd "$(dirname "$0")"

WASM_BINDGEN_VERSION=0.2.130
APPS=(portal admin)

log() { printf 'build-spa: %s\n' "$*" >&2; }

# Tools -------------------------------------------------------------------------------------
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

locked=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$locked" != "$WASM_BINDGEN_VERSION" ]; then
  log "Cargo.lock has wasm-bindgen $locked, build.sh expects $WASM_BINDGEN_VERSION: update both together"
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  # Not --locked: the CLI's own lock file pins a crate version the registry no longer has.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

WASM_SPLIT_VERSION=0.2.4
# (it has no --version; cargo's list of installed crates says which one is there)
if ! command -v wasm-split-cli >/dev/null \
  || ! cargo install --list | grep -qx "wasm_split_cli_support v${WASM_SPLIT_VERSION}:"; then
  log "installing wasm-split-cli $WASM_SPLIT_VERSION (a minute, once)"
  cargo install --locked wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary
fi

WASM_OPT=node_modules/.bin/wasm-opt
if ! "$WASM_OPT" --version 2>/dev/null | grep -q 'version 132'; then
  log "installing binaryen (wasm-opt) with npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# `--tools`: install what is missing and stop. `just test` does this before its parallel stage:
# a `cargo install` holds cargo's package-cache lock while it builds, and the test passes beside
# it waited for the lock (15 minutes on a fresh machine).
if [ "${1:-}" = "--tools" ]; then
  exit 0
fi

# Compile -----------------------------------------------------------------------------------
cargo build --release --target wasm32-unknown-unknown --locked $(printf -- '-p %s-spa ' "${APPS[@]}")

hash_of() { sha256sum "$1" | cut -c1-16; }

mkdir -p dist/assets target/spa
for app in "${APPS[@]}"; do
  wasm="target/wasm32-unknown-unknown/release/${app}-spa.wasm"
  # The admin's stylesheet is the portal's with its own additions after it.
  case "$app" in
    portal) styles=(style/portal.css); title="Customer portal" ;;
    admin) styles=(style/portal.css style/admin.css); title="Admin" ;;
  esac
  stamp="target/spa/${app}.stamp"
  inputs=$(cat "$wasm" "${styles[@]}" static/favicon.svg "$0" | sha256sum | cut -c1-64)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$inputs" ] && [ -f "dist/${app}.html" ]; then
    log "$app: up to date"
    continue
  fi

  work=$(mktemp -d target/spa/work.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  css="$work/${app}.css"
  cat "${styles[@]}" > "$css"

  # Split: the main module, one chunk per lazily loaded page (`Lazy` routes, `#[lazy]`
  # functions) and chunks of code those pages share, and __wasm_split.js, which fetches a chunk
  # when its page is first opened and links it to the main module's memory and functions.
  # (its warnings about name sections it does not know are noise: errors only)
  RUST_LOG=error wasm-split-cli --out-name "$app" "$wasm" "$work/split"
  # wasm-bindgen on the main module; it must keep the linker's exports the chunks import.
  wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
    --out-dir "$work" --out-name "$app" "$work/split/${app}.wasm"
  if grep -q "__wasm_split_placeholder__" "$work/${app}_bg.wasm"; then
    log "$app: the main module still imports a split placeholder: wasm-split-cli did not link it"
    exit 1
  fi
  # --low-memory-unused: rustc links wasm32 with the stack first (the stack pointer starts at
  # 1 MiB and grows down towards 0; data and heap lie above), so addresses below 1024 are only
  # reached by a stack already overflowing; binaryen may then fold pointer offsets (~1.7 kB gzip).
  optimize() {
    "$WASM_OPT" -Oz --low-memory-unused \
      --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-reference-types --enable-multivalue --enable-mutable-globals "$1" -o "$2"
  }
  optimize "$work/${app}_bg.wasm" "$work/${app}_opt.wasm"

  new="$work/assets"
  mkdir -p "$new"
  # The chunks, named after their app and content; the loader names them by those names.
  link="$work/split/__wasm_split.js"
  for chunk in "$work"/split/*.wasm; do
    stem=$(basename "$chunk" .wasm)
    [ "$stem" = "$app" ] && continue
    optimize "$chunk" "$work/${stem}_opt.wasm"
    chunk_name="${app}-${stem//_/-}-$(hash_of "$work/${stem}_opt.wasm").wasm"
    cp "$work/${stem}_opt.wasm" "$new/$chunk_name"
    grep -q "\"./${stem}.wasm\"" "$link" || { log "$app: __wasm_split.js does not name ${stem}.wasm"; exit 1; }
    sed -i "s|\"./${stem}.wasm\"|\"./${chunk_name}\"|g" "$link"
  done

  wasm_name="${app}-$(hash_of "$work/${app}_opt.wasm")_bg.wasm"
  # The glue and the loader import each other, so one hash of both names them both.
  pair_hash=$(cat "$work/${app}.js" "$link" | sha256sum | cut -c1-16)
  js_name="${app}-${pair_hash}.js"
  link_name="${app}-split-${pair_hash}.js"
  # Only the import statements name the loader's file; the wasm's import module stays
  # "./__wasm_split.js" (the key of the imports object).
  grep -q "^import .* from ['\"]\./__wasm_split\.js['\"]" "$work/${app}.js" \
    || { log "$app: the glue does not import __wasm_split.js"; exit 1; }
  sed -e "s|^\(import .* from \)['\"]\./__wasm_split\.js['\"]|\1'./${link_name}'|" "$work/${app}.js" > "$new/$js_name"
  sed -e "s|\"\./${app}\.js\"|\"./${js_name}\"|g" "$link" > "$new/$link_name"
  grep -q "./${js_name}" "$new/$link_name" || { log "$app: __wasm_split.js does not import ${app}.js"; exit 1; }

  css_name="${app}-$(hash_of "$css").css"
  icon_name="favicon-$(hash_of static/favicon.svg).svg"
  printf "import init from './%s';\ninit({ module_or_path: '/assets/%s' });\n" "$js_name" "$wasm_name" > "$work/boot.js"
  boot_name="${app}-boot-$(hash_of "$work/boot.js").js"

  cp "$work/${app}_opt.wasm" "$new/$wasm_name"
  cp "$work/boot.js" "$new/$boot_name"
  cp "$css" "$new/$css_name"
  cp static/favicon.svg "$new/$icon_name"

  cat > "$work/${app}.html" <<HTML
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${title}</title>
<link rel="icon" type="image/svg+xml" href="/assets/${icon_name}">
<link rel="stylesheet" href="/assets/${css_name}">
<link rel="modulepreload" href="/assets/${js_name}">
<link rel="modulepreload" href="/assets/${link_name}">
<link rel="preload" href="/assets/${wasm_name}" as="fetch" type="application/wasm" crossorigin>
<script type="module" src="/assets/${boot_name}"></script>
</head>
<body>
<noscript>This app needs JavaScript.</noscript>
</body>
</html>
HTML

  # Replace this app's previous assets, then its page (the page last, so it never names a
  # file that is not there yet).
  find dist/assets -maxdepth 1 -type f \( -name "${app}-*" -o -name 'favicon-*' \) -delete
  cp "$new"/* dist/assets/
  mv "$work/${app}.html" "dist/${app}.html"
  echo "$inputs" > "$stamp"
  rm -rf "$work"
  trap - EXIT

  raw=$(stat -c %s "dist/assets/$wasm_name")
  gz=$(gzip -9n < "dist/assets/$wasm_name" | wc -c)
  log "$app: dist/assets/$wasm_name — $raw bytes, $gz gzip -9n (loaded first)"
  shared=0 shared_gz=0
  for chunk in dist/assets/"${app}"-split-*.wasm dist/assets/"${app}"-chunk-*.wasm; do
    [ -f "$chunk" ] || continue
    size=$(stat -c %s "$chunk") size_gz=$(gzip -9n < "$chunk" | wc -c)
    case "$chunk" in
      *-split-*) log "$app:   page chunk $(basename "$chunk") — $size bytes, $size_gz gzip -9n" ;;
      *) shared=$((shared + 1)) shared_gz=$((shared_gz + size_gz)) ;;
    esac
  done
  log "$app:   and $shared chunks of code pages share, $shared_gz bytes gzip -9n together"
done
