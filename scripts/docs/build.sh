#!/usr/bin/env bash
# Builds the API reference site into bin/docs/site (ignored): the CLI reference generated from the tool's own help,
# then docfx (the local tool in .config/dotnet-tools.json) over docs/site and the XML docs of src/MechNN.
# --strict: warnings are errors (a broken link, a missing file, an unresolved cross-reference).
set -euo pipefail
cd "$(dirname "$0")/../.."
strict=()
[ "${1:-}" = "--strict" ] && strict=(--warningsAsErrors)
dotnet tool restore >/dev/null
mkdir -p docs/site/reference
dotnet run --project src/MechNN.Cli -- cli-reference -o docs/site/reference/cli.md
dotnet docfx docs/site/docfx.json "${strict[@]}"
echo "site: $(pwd)/bin/docs/site/index.html"
