#!/bin/bash
# The GET /v1/calls page query on the local PostgreSQL (127.0.0.1:5432, trust auth): 50k calls (40k in
# one workspace, over 30 days) in a scratch database, EXPLAIN cost and median of 7 EXPLAIN ANALYZE
# execution times, for the V2 index (calls_workspace_created) and V24's (calls_workspace_newest), each
# with the old OR cursor and the row-comparison cursor. Usage: scripts/bench-call-list.sh [database]
set -euo pipefail
DBNAME=${1:-patchbay_bench_calls}
MIG=$(dirname "$0")/../schema/src/main/resources/db/migration
PG="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt"
$PG -d postgres -c "DROP DATABASE IF EXISTS $DBNAME" -c "CREATE DATABASE $DBNAME" >/dev/null
for f in $(ls "$MIG" | sort -t_ -k1.2 -n); do
  [ "$f" = V24__calls_list_index.sql ] || $PG -d "$DBNAME" -f "$MIG/$f" >/dev/null
done
$PG -d "$DBNAME" >/dev/null <<'SQL'
INSERT INTO workspaces (id, name, enabled, created_at) SELECT 'ws_' || g, 'W' || g, TRUE, now() FROM generate_series(0, 9) g;
INSERT INTO calls (id, workspace_id, direction, status, from_number, to_number, media_node, created_at)
  SELECT 'CA' || lpad(to_hex(g), 32, '0'), CASE WHEN g % 5 = 0 THEN 'ws_' || (1 + g % 9) ELSE 'ws_0' END,
         'outbound', (ARRAY['completed','failed','busy','no-answer','in-progress'])[1 + g % 5],
         '+15550100', '+15550199', '127.0.0.1:9090', now() - (random() * interval '30 days')
    FROM generate_series(1, 50000) g;
ANALYZE calls;
SQL
W="workspace_id = 'ws_0' AND created_at >= now() - interval '31 days' AND created_at < now() + interval '1 day'"
ORDER="ORDER BY created_at DESC, id DESC LIMIT 51"
declare -A Q=(
  [first_or]="SELECT * FROM calls WHERE $W AND ('' = '' OR '' LIKE ('%,' || status || ',%')) AND (created_at < now() + interval '1 day' OR (created_at = now() + interval '1 day' AND id < '')) $ORDER"
  [deep_or]="SELECT * FROM calls WHERE $W AND ('' = '' OR '' LIKE ('%,' || status || ',%')) AND (created_at < now() - interval '15 days' OR (created_at = now() - interval '15 days' AND id < 'CA')) $ORDER"
  [first_row]="SELECT * FROM calls WHERE $W AND ('' = '' OR '' LIKE ('%,' || status || ',%')) AND (created_at, id) < (now() + interval '1 day', '') $ORDER"
  [deep_row]="SELECT * FROM calls WHERE $W AND ('' = '' OR '' LIKE ('%,' || status || ',%')) AND (created_at, id) < (now() - interval '15 days', 'CA') $ORDER"
  [deep_failed_row]="SELECT * FROM calls WHERE $W AND (',failed,' = '' OR ',failed,' LIKE ('%,' || status || ',%')) AND (created_at, id) < (now() - interval '15 days', 'CA') $ORDER"
)
run() {
  for k in first_or deep_or first_row deep_row deep_failed_row; do
    cost=$($PG -d "$DBNAME" -c "EXPLAIN ${Q[$k]}" | head -1 | grep -o "cost=[0-9.]*\.\.[0-9.]*")
    plan=$($PG -d "$DBNAME" -c "EXPLAIN ${Q[$k]}" | grep -o "Incremental Sort\|Bitmap Heap Scan\|Index Scan[a-zA-Z ]* using [a-z_]*" | sort -u | paste -sd, -)
    ms=$(for i in 1 2 3 4 5 6 7; do $PG -d "$DBNAME" -c "EXPLAIN ANALYZE ${Q[$k]}" | grep -o "Execution Time: [0-9.]*" | grep -o "[0-9.]*$"; done | sort -n | sed -n 4p)
    printf '| %s | %s | %s | %s | %s |\n' "$1" "$k" "$cost" "$ms" "$plan"
  done
}
echo "| index | query | cost | median ms | plan |"
echo "|---|---|---|---:|---|"
run V2
$PG -d "$DBNAME" -f "$MIG/V24__calls_list_index.sql" -c "ANALYZE calls" >/dev/null
run V24
$PG -d postgres -c "DROP DATABASE $DBNAME" >/dev/null
