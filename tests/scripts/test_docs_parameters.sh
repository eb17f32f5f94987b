#!/usr/bin/env bash
# docs/parameters.md must be exactly what the schema generates (no stale parameter docs).
set -euo pipefail
tmp=$(mktemp -d)
cp -r "$DERMIS_SOURCE_DIR/scripts" "$tmp/"
mkdir -p "$tmp/docs"
bash "$tmp/scripts/make_docs.sh" "$DERMIS"
if ! diff -u "$DERMIS_SOURCE_DIR/docs/parameters.md" "$tmp/docs/parameters.md" > "$tmp/diff"; then
  echo "docs/parameters.md is stale; run scripts/make_docs.sh build/release/dermis. Difference:"
  head -40 "$tmp/diff"
  exit 1
fi
echo "docs/parameters.md matches the schema ($(grep -c '^| `' "$tmp/docs/parameters.md") keys)"
