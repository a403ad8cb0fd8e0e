#!/usr/bin/env bash
# `make cluster-test` (issue 31 item 5): PostgreSQL, two app nodes (each with its own var/) and Debian's nginx
# round-robin in front, all on 127.0.0.1, configuration generated into a temporary directory; then
# Tests/cluster/cluster_test.py signs in, imports, uploads, reports and kills a node through it.
# PostgreSQL: the server of TEST_DATABASE_URL (as .ci/run starts it), else a throwaway one started here.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/debug/liudong}
NGINX_PORT=${CLUSTER_NGINX_PORT:-18480}
PORT_A=${CLUSTER_PORT_A:-18481}
PORT_B=${CLUSTER_PORT_B:-18482}
[ -x "$BIN" ] || swift build
command -v nginx >/dev/null || { echo "nginx is missing: apt-get install -y nginx"; exit 1; }
command -v psql >/dev/null || { echo "psql is missing: apt-get install -y postgresql"; exit 1; }
WORK=$(mktemp -d /tmp/liudong-cluster.XXXXXX)
chmod 755 "$WORK"
PIDS=()
PGDATA=""
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  set +e
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  [ -f "$WORK/nginx/nginx.pid" ] && nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -s stop 2>/dev/null
  [ -n "${ADMIN_URL:-}" ] && psql "$ADMIN_URL" -q -c "DROP DATABASE IF EXISTS $DB" 2>/dev/null
  [ -n "$PGDATA" ] && { as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1; rm -rf "$PGDATA"; }
  if [ "${KEEP_CLUSTER_LOGS:-}" = "" ]; then rm -rf "$WORK"; else echo "logs kept in $WORK"; fi
}
trap cleanup EXIT

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  ADMIN_URL=$TEST_DATABASE_URL
else
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PGDATA=$(mktemp -d /tmp/liudong-cluster-pg.XXXXXX)
  if [ "$(id -u)" = 0 ]; then chown postgres "$PGDATA"; PGU=postgres; else PGU=$(id -un); fi
  as_pg "$PGBIN/initdb" -D "$PGDATA" -U "$PGU" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
    -o "-p 55442 -c listen_addresses=127.0.0.1 -k $PGDATA -c max_connections=200 -c fsync=off" start >/dev/null
  ADMIN_URL="postgres://$PGU@127.0.0.1:55442/postgres?sslmode=disable"
fi
DB=liudong_cluster_$$
psql "$ADMIN_URL" -q -c "CREATE DATABASE $DB"
URL=$(python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$ADMIN_URL" "$DB")
# Every node shares the data key (it seals ID numbers, phones and files) and the database; nothing else.
export LIUDONG_DATA_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
export DATABASE_URL=$URL LIUDONG_TRUST_PROXY=1 LIUDONG_BASE_URL="http://127.0.0.1:$NGINX_PORT"
mkdir -p "$WORK/a" "$WORK/b" "$WORK/gen" "$WORK/nginx"
echo "== cluster: demo data into $DB"
LIUDONG_VAR_DIR="$WORK/a" "$BIN" demo --members 3000 --seed 5 > "$WORK/demo.log" 2>&1
for node in a b; do
  port=$PORT_A; [ $node = b ] && port=$PORT_B
  LIUDONG_VAR_DIR="$WORK/$node" "$BIN" serve --env production --hostname 127.0.0.1 --port "$port" \
    > "$WORK/$node.log" 2>&1 &
  PIDS+=($!)
done
USER_LINE=""; [ "$(id -u)" = 0 ] && USER_LINE="user root;"
cat > "$WORK/nginx/nginx.conf" <<NGINX
$USER_LINE
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  upstream liudong {
    server 127.0.0.1:$PORT_A max_fails=1 fail_timeout=10s;
    server 127.0.0.1:$PORT_B max_fails=1 fail_timeout=10s;
    keepalive 32;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    client_max_body_size 110m;
    location / {
      proxy_pass http://liudong;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_read_timeout 300s;
      add_header X-Liudong-Upstream \$upstream_addr always;
    }
  }
}
NGINX
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
for port in $PORT_A $PORT_B $NGINX_PORT; do
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "port $port did not come up"; tail -20 "$WORK"/*.log; exit 1; }
done
echo "== cluster: nginx :$NGINX_PORT → nodes :$PORT_A (pid ${PIDS[0]}) and :$PORT_B (pid ${PIDS[1]})"
set +e
python3 Tests/cluster/cluster_test.py --nginx "http://127.0.0.1:$NGINX_PORT" --a "http://127.0.0.1:$PORT_A" \
  --b "http://127.0.0.1:$PORT_B" --db-url "$URL" --bin "$BIN" --work "$WORK" --pid-a "${PIDS[0]}" \
  --pid-b "${PIDS[1]}" --password liudong-demo
rc=$?
if [ $rc != 0 ]; then
  for f in "$WORK"/a.log "$WORK"/b.log "$WORK"/nginx/error.log; do echo "--- $f"; tail -30 "$f"; done
fi
exit $rc
