# Shared by scripts/run, scripts/test, scripts/backup and scripts/restore. Sourced, not run.
# Everything a fresh Debian/Ubuntu machine with the .NET SDK lacks is installed here, so a clean
# clone (and CI) needs no step done by hand.

PG_VERSION_DIR=""
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  # apt_install PACKAGE... — installs the named Debian packages if any is missing.
  local missing=()
  # Installed means "install ok installed": a package removed but not purged still answers dpkg -s.
  for p in "$@"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing ${missing[*]} (Debian packages)…"
  apt_get update -qq && apt_get install -y -qq "${missing[@]}" >/dev/null
}

# apt_get ARGUMENTS... — apt-get as root, waiting up to ten minutes for another apt to finish (on a machine just started,
# unattended-upgrades; or a second script installing at the same time). DPkg::Lock::Timeout makes it wait for dpkg's
# lock only: the lists' lock (update) and the archives' lock (the download) are refused at once ("Could not get lock"),
# checked by hand with each lock held, so a refusal is tried again every three seconds. Its output is shown once it ends.
apt_get() {
  local out rc deadline=$((SECONDS + 600))
  while :; do
    out=$(as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@" 2>&1); rc=$?
    if [ "$rc" -eq 0 ]; then [ -n "$out" ] && printf '%s\n' "$out"; return 0; fi
    if grep -q "Could not get lock" <<<"$out" && [ "$SECONDS" -lt "$deadline" ]; then sleep 3; continue; fi
    printf '%s\n' "$out" >&2
    return "$rc"
  done
}

find_pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && PG_VERSION_DIR="$d"
  done
  if [ -z "$PG_VERSION_DIR" ]; then
    apt_install postgresql
    for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && PG_VERSION_DIR="$d"; done
  fi
  [ -n "$PG_VERSION_DIR" ] || { echo "PostgreSQL server binaries not found" >&2; exit 1; }
}

# PostgreSQL refuses to run as root: when we are root, the cluster runs as the postgres user.
pg_user_run() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
    # From /, which postgres can always enter (the caller's folder may be root's alone).
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

free_port() {
  # A free loopback port, without python: probe upwards from a random start below the ports the kernel hands out for
  # outgoing connections (ip_local_port_range, 32768 on): a listener cannot bind a port such a connection holds, which
  # the probe, seeing no listener, does not find (a suspect for a CI run's "pg_ctl: could not start server").
  local low; low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$low" -gt 21000 ] 2>/dev/null || low=32768
  local p=$(( 20000 + RANDOM % (low - 20000 - 500) ))
  while (echo >/dev/tcp/127.0.0.1/$p) >/dev/null 2>&1; do p=$((p + 1)); done
  echo $p
}

random_secret() { head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24; }

# pg_reachable DIR — prints a path to DIR that the postgres user can enter. Not root: DIR itself. As root, PostgreSQL
# runs as postgres, who cannot enter a folder only root may (a clone in /root, a mktemp folder): DIR is then kept under
# /var/lib/postgresql/flexischooling/ and DIR becomes a link to it, so .data/ still shows it (issue 16).
pg_reachable() {
  local dir=$1
  if [ "$(id -u)" -ne 0 ]; then mkdir -p "$dir"; echo "$dir"; return; fi
  id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
  if [ -L "$dir" ]; then readlink -f "$dir"; return; fi
  mkdir -p "$dir"
  chown postgres "$dir"
  if runuser -u postgres -- test -w "$dir" 2>/dev/null; then echo "$dir"; return; fi
  local abs; abs=$(cd "$dir" && pwd -P)
  local home="/var/lib/postgresql/flexischooling/$(basename "$abs")-$(printf '%s' "$abs" | sha256sum | cut -c1-12)"
  # DIR is not a link, so anything at $home was left by a DIR since deleted ("delete .data/ to start again").
  rm -rf "$home"
  mkdir -p "$home"
  # What an earlier run left in DIR moves with it.
  if [ -n "$(ls -A "$dir")" ]; then cp -a "$dir/." "$home/"; fi
  chown -R postgres "$home"
  chmod 755 /var/lib/postgresql/flexischooling
  rm -rf "$dir"
  ln -s "$home" "$dir"
  echo "$home"
}

# pg_cluster_start DIR PORT SUPERUSER_PASSWORD — creates the cluster on first use, then starts it
# listening on 127.0.0.1 only, with its socket inside DIR.
pg_cluster_start() {
  local dir port=$2 password=$3
  find_pg_bin
  dir=$(pg_reachable "$1")
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$dir"; fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    local pwfile="$dir/.pw"
    printf '%s' "$password" > "$pwfile"; chmod 600 "$pwfile"
    [ "$(id -u)" -eq 0 ] && chown postgres "$pwfile"
    pg_user_run "$PG_VERSION_DIR/initdb" -D "$dir/data" -U postgres --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
  fi
  # PG_ARCHIVE=DIR archives every completed WAL segment there (and at least every minute), for scripts/backup
  # and scripts/restore's point-in-time recovery; the test clusters leave it unset.
  local archive="" wal
  if [ -n "${PG_ARCHIVE:-}" ]; then
    wal=$(pg_reachable "$PG_ARCHIVE")
    archive="-c wal_level=replica -c archive_mode=on -c archive_timeout=60 -c archive_command='test ! -f $wal/%f && cp %p $wal/%f'"
  fi
  pg_user_run "$PG_VERSION_DIR/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t "${PG_START_TIMEOUT:-30}" \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' -c fsync=${PG_FSYNC:-on} -c max_connections=500 -c max_slot_wal_keep_size=1GB $archive" start >/dev/null
}

# pg_replica_start PRIMARY_PORT SUPERUSER_PASSWORD DIR PORT — a streaming read replica of the cluster on PRIMARY_PORT
# (issue 15, ADR 0028): a base backup taken over the replication protocol into DIR (once), started as a hot standby on
# PORT that follows the primary's WAL; returns when it accepts reads. Stop it with pg_cluster_stop DIR. PG_FSYNC=off as
# for pg_cluster_start (the tests' replica: it replays every test database the primary creates).
#
# It streams through the physical replication slot flexi_replica (PG_REPLICA_SLOT names another, for a second standby of
# the same primary), which keeps on the primary the WAL the replica has not yet received. Without one a checkpoint
# removes WAL whether the replica has it or not, and a replica whose WAL sender was a segment behind when a checkpoint
# ended was lost for good ("requested WAL segment … has already been removed"): the tests force two checkpoints for each
# database they copy (docs/performance.md, thirty-seventh session). What a slot may keep is capped by pg_cluster_start's
# max_slot_wal_keep_size, so a replica stopped for good cannot fill the primary's disk.
pg_replica_start() {
  local primary=$1 password=$2 dir port=$4 slot=${PG_REPLICA_SLOT:-flexi_replica}
  find_pg_bin
  dir=$(pg_reachable "$3")
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$dir"; fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    # A slot left by an earlier replica whose folder has since gone is dropped first (-C refuses a slot that exists).
    pg_user_run env PGPASSWORD="$password" "$PG_VERSION_DIR/psql" -h 127.0.0.1 -p "$primary" -U postgres -d postgres -Atq \
      -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$slot' AND NOT active" >/dev/null
    # -R writes primary_conninfo (with the password given here), primary_slot_name and standby.signal; -C -S creates the
    # slot, through which -X stream already keeps the WAL the copy needs.
    pg_user_run env PGPASSWORD="$password" "$PG_VERSION_DIR/pg_basebackup" -h 127.0.0.1 -p "$primary" -U postgres \
      -D "$dir/data" -R -X stream -C -S "$slot" -c fast >/dev/null
  fi
  pg_user_run "$PG_VERSION_DIR/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t "${PG_START_TIMEOUT:-30}" \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' -c hot_standby=on -c fsync=${PG_FSYNC:-on} -c max_connections=500 -c archive_mode=off" start >/dev/null
}

# pgbouncer_prepared_build — prints the path of a PgBouncer that keeps prepared statements in transaction pooling
# (1.21 and later, `max_prepared_statements`; ADR 0045). Debian 12's package is 1.18, which cannot, and Debian 13's binary
# needs a newer C library, so this builds Debian 13's source package (its patches applied) once: apt fetches it from
# deb.debian.org and checks it against the archive's signed index (debian-archive-keyring), as it checks any package.
# Kept under /opt/flexischooling as root (the postgres user runs it), else under ~/.cache/flexischooling; delete that
# folder to build the newest again.
pgbouncer_prepared_build() {
  local home
  if [ "$(id -u)" -eq 0 ]; then home=/opt/flexischooling; else home="${XDG_CACHE_HOME:-$HOME/.cache}/flexischooling"; fi
  local prefix="$home/pgbouncer-prepared"
  if [ -x "$prefix/bin/pgbouncer" ]; then echo "$prefix/bin/pgbouncer"; return 0; fi
  apt_install debian-archive-keyring dpkg-dev gcc make pkg-config libevent-dev libssl-dev >&2
  local apt="$home/pgbouncer-source" keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  rm -rf "$apt"; mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/src"
  printf 'deb-src [signed-by=%s] http://deb.debian.org/debian trixie main\ndeb-src [signed-by=%s] http://deb.debian.org/debian-security trixie-security main\n' \
    "$keyring" "$keyring" > "$apt/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$apt/lists"
    -o "Dir::Cache=$apt/cache")
  [ "$(id -u)" -eq 0 ] && opts+=(-o APT::Sandbox::User=root)
  echo "Building PgBouncer from Debian 13's source package (once; ADR 0045)…" >&2
  apt-get "${opts[@]}" -qq update >&2 || return 1
  (cd "$apt/src" && apt-get "${opts[@]}" -qq source pgbouncer >/dev/null) || return 1
  local src; src=$(ls -d "$apt"/src/pgbouncer-*/ | head -1)
  (cd "$src" && ./configure --prefix="$prefix" --without-cares --without-systemd --without-pam >/dev/null \
    && make -j"$(nproc)" >/dev/null && make install >/dev/null) >&2 || return 1
  chmod -R a+rX "$home"
  rm -rf "$apt"
  "$prefix/bin/pgbouncer" --version | head -1 >&2
  echo "$prefix/bin/pgbouncer"
}

# pgbouncer_start PG_PORT DIR PORT APP_PASSWORD OWNER_PASSWORD — PgBouncer (Debian's package) in transaction pooling
# mode in front of the cluster on PG_PORT, on 127.0.0.1:PORT, for the application's and the owner's roles (issue 15,
# ADR 0029). Each database gets PGBOUNCER_POOL_SIZE (default 20) server connections per role, shared by every client
# one transaction at a time. With PGBOUNCER_MAX_PREPARED=N it is instead the PgBouncer pgbouncer_prepared_build makes,
# keeping up to N prepared statements a client (ADR 0045). Stop it with pgbouncer_stop DIR.
pgbouncer_start() {
  local pg_port=$1 dir port=$3 app=$4 owner=$5 bin=/usr/sbin/pgbouncer prepared=${PGBOUNCER_MAX_PREPARED:-0}
  if [ "$prepared" -gt 0 ]; then
    bin=$(pgbouncer_prepared_build) || { echo "PgBouncer could not be built" >&2; return 1; }
  else
    [ -x /usr/sbin/pgbouncer ] || apt_install pgbouncer
  fi
  dir=$(pg_reachable "$2")
  ( umask 077
    printf '"flexi_app" "%s"\n"flexi_owner" "%s"\n' "$app" "$owner" > "$dir/userlist.txt" )
  cat > "$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$pg_port
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
pool_mode = transaction
default_pool_size = ${PGBOUNCER_POOL_SIZE:-20}
max_client_conn = 2000
ignore_startup_parameters = extra_float_digits
$([ "$prepared" -gt 0 ] && echo "max_prepared_statements = $prepared" || true)
log_connections = 0
log_disconnections = 0
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$dir"; fi
  pg_user_run "$bin" -q -d "$dir/pgbouncer.ini"
  local i
  for i in $(seq 1 50); do (echo >/dev/tcp/127.0.0.1/$port) >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "PgBouncer did not start:" >&2; cat "$dir/pgbouncer.log" >&2; return 1
}

# pgbouncer_stop DIR — stops the PgBouncer pgbouncer_start started in DIR at once. PgBouncer 1.23 and later take a first
# SIGTERM as "stop listening and wait for every client to leave" and a second as "now"; 1.18 ends at the first.
pgbouncer_stop() {
  local dir pid
  dir=$(readlink -f "$1")
  [ -f "$dir/pgbouncer.pid" ] || return 0
  pid=$(cat "$dir/pgbouncer.pid")
  kill "$pid" 2>/dev/null || return 0
  sleep 0.2
  kill "$pid" 2>/dev/null || true
}

# etcd_start DIR CLIENT_PORT PEER_PORT PATRONI_PASSWORD [ADDRESS [NAME CLUSTER NETNS]] — etcd (Debian's etcd-server) on
# ADDRESS (loopback unless named), the store in which Patroni keeps its leader lock (ADR 0053); returns once it takes
# connections. Alone, a one-member etcd named flexi, given its users the first time (etcd_auth). With NAME, CLUSTER
# (etcd's --initial-cluster: name=http://address:peer_port for every member) and NETNS (the member's machine, a network
# namespace), one member of several: start every member, then call etcd_auth once, against any of them. Stop it with
# etcd_stop DIR.
etcd_start() {
  local dir=$1 client=$2 peer=$3 patroni_password=$4 address=${5:-127.0.0.1} name=${6:-flexi} new= netns=()
  local cluster=${7:-flexi=http://$address:$peer}
  [ -n "${8:-}" ] && netns=(ip netns exec "$8")
  [ -d "$dir/data" ] || new=1
  mkdir -p "$dir"
  setsid "${netns[@]}" etcd --name "$name" --data-dir "$dir/data" --listen-client-urls "http://$address:$client" \
    --advertise-client-urls "http://$address:$client" --listen-peer-urls "http://$address:$peer" \
    --initial-advertise-peer-urls "http://$address:$peer" --initial-cluster "$cluster" \
    </dev/null >"$dir/etcd.log" 2>&1 &
  echo $! > "$dir/etcd.pid"
  local up=
  for _ in $(seq 1 100); do (echo >/dev/tcp/"$address"/"$client") >/dev/null 2>&1 && { up=1; break; }; sleep 0.1; done
  [ -n "$up" ] || { echo "etcd did not start: $dir/etcd.log" >&2; return 1; }
  if [ -n "$new" ] && [ -z "${6:-}" ]; then
    etcd_auth "$address" "$client" "$patroni_password" "$dir" || return 1
  fi
}

# etcd_auth ADDRESS CLIENT_PORT PATRONI_PASSWORD DIR — etcd's users, and auth turned on, through the member at ADDRESS
# (once for the whole cluster, when it has a quorum; retried for up to 30 s while it has none): `patroni`
# (PATRONI_PASSWORD) may read and write the cluster's keys alone, and `root`'s password is left in DIR/root.password
# (owner only). Without them anyone who reaches a client port could take the leader lock away.
etcd_auth() {
  local address=$1 client=$2 patroni_password=$3 dir=$4
  # Through etcd's JSON gateway (v3; keys base64), as Debian's etcd-server ships no etcdctl: the cluster's keys are
  # deploy/patroni.yml's namespace and scope, /service/flexischooling/ up to the next key after that prefix.
  local root_password
  root_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  (umask 077 && printf '%s\n' "$root_password" > "$dir/root.password")
  local b64_from b64_to
  b64_from=$(printf '/service/flexischooling/' | base64 -w0)
  b64_to=$(printf '/service/flexischooling0' | base64 -w0)
  local call done
  for call in \
    "user/add|{\"name\":\"root\",\"password\":\"$root_password\"}" \
    "user/grant|{\"user\":\"root\",\"role\":\"root\"}" \
    "role/add|{\"name\":\"patroni\"}" \
    "role/grant|{\"name\":\"patroni\",\"perm\":{\"permType\":\"READWRITE\",\"key\":\"$b64_from\",\"range_end\":\"$b64_to\"}}" \
    "user/add|{\"name\":\"patroni\",\"password\":\"$patroni_password\"}" \
    "user/grant|{\"user\":\"patroni\",\"role\":\"patroni\"}" \
    "enable|{}"; do
    done=
    for _ in $(seq 1 30); do
      curl -fsS -m 5 -X POST "http://$address:$client/v3/auth/${call%%|*}" -d "${call#*|}" >/dev/null 2>&1 && { done=1; break; }
      sleep 1
    done
    [ -n "$done" ] || { echo "etcd refused auth/${call%%|*} at $address:$client" >&2; return 1; }
  done
}

# etcd_stop DIR — the etcd started in DIR stopped; nothing when it is not running (under set -e too: a kill of a process
# gone already, last in an && list, failed the caller's clean-up, which then hid why the test had failed).
etcd_stop() { if [ -f "$1/etcd.pid" ]; then kill "$(cat "$1/etcd.pid")" 2>/dev/null || true; fi; }

# patroni_start DIR NAME PG_PORT REST_PORT ETCD_PORT SUPERUSER_PASSWORD REPLICATION_PASSWORD REST_PASSWORD ETCD_PASSWORD
# [ADDRESS ETCD_ADDRESSES NETNS] — Patroni (Debian's patroni) with deploy/patroni.yml, this machine's values in the
# environment as a service's unit file gives them (ADR 0053): it makes PostgreSQL 15 in DIR/data the primary if no
# member leads yet, or the standby of the one that does, and keeps it so. The machine's address is ADDRESS (loopback
# unless named; PostgreSQL listens on loopback as well, where Patroni reaches it), etcd's members' ETCD_ADDRESSES (one, or
# several separated by commas, each with ETCD_PORT), and with NETNS
# it runs in that network namespace (a machine of PrimaryFailoverTests'). It runs as postgres, in the background,
# logging to DIR/patroni.log; patroni_stop DIR stops it and its PostgreSQL.
patroni_start() {
  local dir name=$2 port=$3 rest=$4 etcd=$5 super=$6 repl=$7 rest_password=$8 etcd_password=$9
  local address=${10:-127.0.0.1} etcd_addresses=${11:-127.0.0.1} netns=() etcd_hosts
  [ -n "${12:-}" ] && netns=(ip netns exec "${12}")
  etcd_hosts=$(printf '%s\n' "${etcd_addresses//,/$'\n'}" | sed "s/\$/:$etcd/" | paste -sd,)
  find_pg_bin
  dir=$(pg_reachable "$1")
  cp deploy/patroni.yml "$dir/patroni.yml"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir" "$dir/patroni.yml"
    # PostgreSQL's default socket folder, where Patroni's PostgreSQL keeps its lock file (deploy/patroni.yml names no
    # other): made at boot by Debian's tmpfiles line, which a machine without systemd never runs.
    install -d -m 2775 -o postgres -g postgres /run/postgresql
  fi
  # From DIR, which postgres can enter (Patroni's processes start in the folder they are started from), the values in
  # the environment (runuser keeps it; the passwords on no command line); only the command in the background, or the
  # subshell waits for it holding the caller's output open.
  (cd "$dir" || exit 1
  local listen=127.0.0.1
  [ "$address" != 127.0.0.1 ] && listen="127.0.0.1,$address"
  export PATRONI_NAME="$name" PATRONI_RESTAPI_LISTEN="$address:$rest" PATRONI_RESTAPI_CONNECT_ADDRESS="$address:$rest" \
    PATRONI_ETCD3_HOSTS="$etcd_hosts" PATRONI_POSTGRESQL_LISTEN="$listen:$port" \
    PATRONI_POSTGRESQL_CONNECT_ADDRESS="$address:$port" PATRONI_POSTGRESQL_DATA_DIR="$dir/data" \
    PATRONI_POSTGRESQL_BIN_DIR="$PG_VERSION_DIR" PATRONI_POSTGRESQL_PGPASS="$dir/pgpass" \
    PATRONI_SUPERUSER_USERNAME=postgres PATRONI_SUPERUSER_PASSWORD="$super" \
    PATRONI_REPLICATION_USERNAME=replicator PATRONI_REPLICATION_PASSWORD="$repl" \
    PATRONI_RESTAPI_USERNAME=patroni PATRONI_RESTAPI_PASSWORD="$rest_password" \
    PATRONI_ETCD3_USERNAME=patroni PATRONI_ETCD3_PASSWORD="$etcd_password"
  setsid "${netns[@]}" runuser -u postgres -- patroni "$dir/patroni.yml" </dev/null >>"$dir/patroni.log" 2>&1 &)
}

# patroni_stop DIR — Patroni stopped as its service stops it (SIGTERM), which stops its PostgreSQL first.
patroni_stop() {
  local dir
  dir=$(readlink -f "$1")
  pkill -TERM -f "patroni $dir/patroni.yml" 2>/dev/null || return 0
  for _ in $(seq 1 100); do pgrep -f "patroni $dir/patroni.yml" >/dev/null || return 0; sleep 0.1; done
  pkill -KILL -f "patroni $dir/patroni.yml" 2>/dev/null; true
}

pg_cluster_stop() {
  local dir
  dir=$(readlink -f "$1")
  [ -f "$dir/data/postmaster.pid" ] || return 0
  find_pg_bin
  pg_user_run "$PG_VERSION_DIR/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# pg_provision PORT SUPERPASS DB OWNERPASS APPPASS — the owner role (owns the schema, BYPASSRLS,
# runs migrations) and the application role (not the owner, NOBYPASSRLS), and the database.
pg_provision() {
  local port=$1 superpass=$2 db=$3 ownerpass=$4 apppass=$5
  PGPASSWORD="$superpass" psql -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'flexi_owner') THEN
    CREATE ROLE flexi_owner LOGIN BYPASSRLS CREATEDB PASSWORD '$ownerpass';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'flexi_app') THEN
    CREATE ROLE flexi_app LOGIN NOBYPASSRLS PASSWORD '$apppass';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE $db OWNER flexi_owner' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db')
\gexec
SQL
}

# local_cluster_up DATA — the local run's cluster under DATA/postgres: its port and passwords made once into
# DATA/local.env, started with WAL archived to DATA/backups/wal, the roles and the database provisioned. Sets
# PG_PORT, PG_SUPER, PG_OWNER, PG_APP and pg_dir. Used by scripts/run, scripts/backup and scripts/restore.
local_cluster_up() {
  local data=$1
  ensure_psql
  mkdir -p "$data"
  local secrets="$data/local.env"
  if [ ! -f "$secrets" ]; then
    ( umask 077
      cat > "$secrets" <<ENV
PG_PORT=$(free_port)
PG_SUPER=$(random_secret)
PG_OWNER=$(random_secret)
PG_APP=$(random_secret)
ENV
    )
  fi
  . "$secrets"
  pg_dir="$data/postgres"
  if (echo >/dev/tcp/127.0.0.1/$PG_PORT) >/dev/null 2>&1 && [ ! -f "$pg_dir/data/postmaster.pid" ]; then
    echo "Port $PG_PORT is taken by another program; delete $secrets to choose another." >&2; exit 1
  fi
  PG_ARCHIVE="$data/backups/wal" pg_cluster_start "$pg_dir" "$PG_PORT" "$PG_SUPER"
  pg_provision "$PG_PORT" "$PG_SUPER" flexischooling "$PG_OWNER" "$PG_APP"
}

ensure_psql() { command -v psql >/dev/null 2>&1 || apt_install postgresql-client; }
