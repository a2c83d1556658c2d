#!/usr/bin/env bash
# `npm test`: every test, in the order that fails fastest.
#   1. type check;  2. Node tests (core, parsers, worker host, CLI);
#   3. browser tests (the real worker in Chromium with WebGPU);  4. end-to-end tests of the built app.
# Ends with one line "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-system-deps.sh || exit 1
[ -d node_modules ] || npm ci || exit 1

reports=$(mktemp -d)
status=0
echo "== Type check"
npx tsc --noEmit -p . || status=1
for project in node browser e2e; do
  echo "== Tests: $project"
  npx vitest run --project "$project" --reporter=default --reporter=json --outputFile.json="$reports/$project.json" || status=1
done

node -e '
  const fs = require("fs"), path = require("path");
  let passed = 0, failed = 0;
  for (const f of fs.readdirSync(process.argv[1])) {
    const r = JSON.parse(fs.readFileSync(path.join(process.argv[1], f), "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests;
  }
  console.log(`${passed} passed, ${failed} failed`);
' "$reports"
rm -rf "$reports"
exit $status
