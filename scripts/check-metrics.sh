#!/usr/bin/env bash
# Checks /metrics with `promtool check metrics` (Debian package `prometheus`); CI runs it.
#
#   scripts/check-metrics.sh                    scrape a test server over a seeded database (vitest)
#   METRICS_URL=http://127.0.0.1:8400/metrics API_KEY=... scripts/check-metrics.sh
#                                               scrape a running controller
#
# Without promtool it says so and exits 0: the check is optional where Prometheus is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v promtool >/dev/null 2>&1; then
  echo "check-metrics: promtool not installed (apt-get install prometheus): skipped" >&2
  exit 0
fi

if [[ -n "${METRICS_URL:-}" ]]; then
  : "${API_KEY:?check-metrics: set API_KEY (the bearer token of the controller) to scrape METRICS_URL}"
  scrape="$(mktemp)"
  trap 'rm -f "$scrape"' EXIT
  curl -fsS -H "Authorization: Bearer ${API_KEY}" "$METRICS_URL" -o "$scrape"
  promtool check metrics < "$scrape"
  echo "check-metrics: $METRICS_URL passes promtool check metrics"
else
  # The test seeds runs, queue jobs and token usage, scrapes /metrics and runs promtool on it.
  npx vitest run test/api/metrics.test.ts -t "promtool"
fi
