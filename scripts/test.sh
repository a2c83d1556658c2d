#!/usr/bin/env bash
# `npm test`: every test, in the order that fails fastest.
#   1. type checks (tsconfig.json, tsconfig.core.json, tsconfig.worker.json);  2. Node tests (core, parsers, worker host, CLI);
#   3. browser tests (the real worker in Chromium with WebGPU);  4. end-to-end tests of the built app.
# Ends with one line "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-system-deps.sh || exit 1
[ -d node_modules ] || npm ci || exit 1

reports=$(mktemp -d)
status=0
echo "== Type check (everything; then core without DOM or Node types, and the worker without DOM)"
npx tsc --noEmit -p . || status=1
npx tsc --noEmit -p tsconfig.core.json || status=1
npx tsc --noEmit -p tsconfig.worker.json || status=1
for project in node browser e2e; do
  echo "== Tests: $project"
  npx vitest run --project "$project" --reporter=default --reporter=json --outputFile.json="$reports/$project.json" || status=1
done

node -e '
  const fs = require("fs"), path = require("path");
  let passed = 0, failed = 0;
  for (const project of ["node", "browser", "e2e"]) {
    const file = path.join(process.argv[1], project + ".json");
    if (!fs.existsSync(file)) { console.log(`${project}: no report (the run did not finish)`); failed++; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    // A file that fails to load counts as a failure even though it ran no test.
    const broken = r.numFailedTestSuites > 0 && r.numFailedTests === 0 ? 1 : 0;
    console.log(`${project}: ${r.numPassedTests} passed, ${r.numFailedTests + broken} failed`);
    passed += r.numPassedTests; failed += r.numFailedTests + broken;
  }
  console.log(`${passed} passed, ${failed} failed`);
' "$reports"
rm -rf "$reports"
exit $status
