#!/usr/bin/env bash
# .ci/services.sh — install (Debian 12) and start the services the test suite needs:
#   PostgreSQL on 127.0.0.1:5432 (role/db "tidtam", password "tidtam", CREATEDB)
#   Redis      on 127.0.0.1:6379 (no persistence)
#   Chromium, poppler-utils, gettext, WeasyPrint runtime libraries, Thai fonts.
#
# Meant to be SOURCED (it exports DATABASE_URL, REDIS_URL, TIDTAM_REQUIRE_SERVICES,
# CHROMIUM_PATH into the calling shell):
#     source .ci/services.sh
# .ci/run sources it when CI=true. A developer can source it from an interactive
# shell too: the work runs in a subshell under `set -euo pipefail` and the caller's
# shell options are restored afterwards, so a failure returns non-zero instead of
# closing the terminal. Running it as `bash .ci/services.sh` starts the services
# but (of course) cannot export anything into the parent shell.
#
# Idempotent: a second run skips apt (when everything is present), skips starting
# servers that already answer, and only re-asserts the role/database.
# Works without systemd (containers): PostgreSQL is started with Debian's
# pg_ctlcluster / the explicit /usr/lib/postgresql/<ver>/bin/pg_ctl, never the
# first `pg_ctl` on PATH.

# Remember the caller's shell options. errexit is read from $- because
# $(set +o) runs in a command substitution, which never inherits errexit.
_tidtam_saved_opts="$(set +o)"
case $- in *e*) _tidtam_saved_errexit=1 ;; *) _tidtam_saved_errexit=0 ;; esac
set -euo pipefail

# ---------------------------------------------------------------- configuration
TIDTAM_PG_VERSION="${TIDTAM_PG_VERSION:-15}"
TIDTAM_PG_HOST=127.0.0.1
TIDTAM_PG_PORT=5432
TIDTAM_PG_USER=tidtam
TIDTAM_PG_PASSWORD=tidtam
TIDTAM_PG_DB=tidtam
TIDTAM_REDIS_HOST=127.0.0.1
TIDTAM_REDIS_PORT=6379
TIDTAM_WAIT_SECONDS="${TIDTAM_WAIT_SECONDS:-30}"

_svc_log() { printf '[services] %s\n' "$*" >&2; }
_svc_die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# Run a command as root (we are root in CI; a developer may need sudo).
_svc_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Run a command as the postgres OS user.
_svc_as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
        fi
    else
        sudo -u postgres -- "$@"
    fi
}

# ------------------------------------------------------------------ 1. packages
_svc_pkg_installed() {
    # $1 = package name; true if dpkg reports it fully installed.
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = "installed" ]
}

_svc_install_packages() {
    # package -> "alternative check" (a binary/file that also satisfies it, for
    # machines where the tool came from elsewhere). Empty = dpkg check only.
    local -a specs=(
        "postgresql|/usr/lib/postgresql/${TIDTAM_PG_VERSION}/bin/postgres"
        "redis-server|redis-server"
        "redis-tools|redis-cli"
        "chromium|/usr/bin/chromium"
        "poppler-utils|pdftoppm"
        "gettext|msgfmt"
        "fonts-thai-tlwg|"
        "fonts-dejavu-core|"
        "libpango-1.0-0|"
        "libpangoft2-1.0-0|"
        "libharfbuzz0b|"
        "libharfbuzz-subset0|"
        "libffi8|"
        "libjpeg62-turbo|"
        "libopenjp2-7|"
        "shared-mime-info|"
    )
    local -a missing=()
    local spec pkg alt have_dpkg=0
    command -v dpkg-query >/dev/null 2>&1 && have_dpkg=1
    for spec in "${specs[@]}"; do
        pkg="${spec%%|*}"
        alt="${spec#*|}"
        if [ "$have_dpkg" -eq 1 ] && _svc_pkg_installed "$pkg"; then
            continue
        fi
        if [ -n "$alt" ]; then
            case "$alt" in
                /*) [ -x "$alt" ] && continue ;;
                *) command -v "$alt" >/dev/null 2>&1 && continue ;;
            esac
        fi
        missing+=("$pkg")
    done
    # Debian's cluster tools are what we start PostgreSQL with.
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        missing+=("postgresql-common")
    fi

    if [ "${#missing[@]}" -eq 0 ]; then
        _svc_log "all packages present; skipping apt-get"
        return 0
    fi

    command -v apt-get >/dev/null 2>&1 \
        || _svc_die "missing: ${missing[*]} and no apt-get on this machine (Debian 12 expected)"

    _svc_log "installing: ${missing[*]}"
    local -a apt_opts=(-o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    export DEBIAN_FRONTEND=noninteractive
    # LANG=C.UTF-8 so that a cluster created by postgresql's postinst is UTF8,
    # not SQL_ASCII (which is what a C/POSIX locale gives).
    _svc_root env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8 \
        apt-get "${apt_opts[@]}" update -qq \
        || _svc_die "apt-get update failed"
    _svc_root env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8 \
        apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${missing[@]}" \
        </dev/null >/dev/null \
        || _svc_die "apt-get install failed for: ${missing[*]}"
    _svc_log "apt-get install done"
}

# ---------------------------------------------------------------- 2. PostgreSQL
_svc_pg_ready() {
    "$TIDTAM_PG_BIN/pg_isready" -q -h "$TIDTAM_PG_HOST" -p "$TIDTAM_PG_PORT" -t 2 >/dev/null 2>&1
}

_svc_start_postgres() {
    TIDTAM_PG_BIN="/usr/lib/postgresql/${TIDTAM_PG_VERSION}/bin"
    [ -x "$TIDTAM_PG_BIN/postgres" ] || _svc_die "PostgreSQL ${TIDTAM_PG_VERSION} server not found in $TIDTAM_PG_BIN"

    if _svc_pg_ready; then
        _svc_log "PostgreSQL already accepting connections on ${TIDTAM_PG_HOST}:${TIDTAM_PG_PORT}"
    else
        # Socket dir lives on tmpfs on real machines; recreate it if a reboot wiped it.
        _svc_root install -d -o postgres -g postgres -m 2775 /var/run/postgresql

        local cluster_conf="/etc/postgresql/${TIDTAM_PG_VERSION}/main"
        if [ ! -f "$cluster_conf/postgresql.conf" ]; then
            _svc_log "creating cluster ${TIDTAM_PG_VERSION}/main (UTF8)"
            _svc_root env LANG=C.UTF-8 LC_ALL=C.UTF-8 \
                pg_createcluster --locale C.UTF-8 --encoding UTF8 \
                -p "$TIDTAM_PG_PORT" "$TIDTAM_PG_VERSION" main >/dev/null
        fi
        # Make sure the cluster listens where we expect.
        local port
        port="$(pg_conftool -s "$TIDTAM_PG_VERSION" main show port 2>/dev/null || echo "$TIDTAM_PG_PORT")"
        if [ "$port" != "$TIDTAM_PG_PORT" ]; then
            _svc_log "cluster ${TIDTAM_PG_VERSION}/main was on port $port; moving it to $TIDTAM_PG_PORT"
            _svc_root pg_conftool "$TIDTAM_PG_VERSION" main set port "$TIDTAM_PG_PORT"
        fi

        _svc_log "starting PostgreSQL ${TIDTAM_PG_VERSION}/main"
        # pg_ctlcluster uses systemd when it is PID 1 and plain pg_ctl otherwise.
        if ! _svc_root pg_ctlcluster "$TIDTAM_PG_VERSION" main start >/dev/null 2>&1; then
            _svc_log "pg_ctlcluster failed; falling back to $TIDTAM_PG_BIN/pg_ctl"
            _svc_as_postgres "$TIDTAM_PG_BIN/pg_ctl" start -w -t 30 \
                -D "/var/lib/postgresql/${TIDTAM_PG_VERSION}/main" \
                -l "/var/log/postgresql/postgresql-${TIDTAM_PG_VERSION}-main.log" \
                -o "-c config_file=$cluster_conf/postgresql.conf" >/dev/null \
                || { tail -n 20 "/var/log/postgresql/postgresql-${TIDTAM_PG_VERSION}-main.log" >&2 2>/dev/null || true
                     _svc_die "could not start PostgreSQL"; }
        fi
    fi
}

_svc_setup_postgres_db() {
    local psql=("$TIDTAM_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -p "$TIDTAM_PG_PORT" -d postgres)
    # Superuser work over the local socket with peer auth as the postgres OS user.
    # cd / so runuser does not complain about an unreadable cwd.
    (cd / && _svc_as_postgres "${psql[@]}" <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${TIDTAM_PG_USER}') THEN
    CREATE ROLE ${TIDTAM_PG_USER} LOGIN CREATEDB PASSWORD '${TIDTAM_PG_PASSWORD}';
  ELSE
    ALTER ROLE ${TIDTAM_PG_USER} LOGIN CREATEDB PASSWORD '${TIDTAM_PG_PASSWORD}';
  END IF;
END
\$\$;
SQL
    ) || _svc_die "could not create/alter role ${TIDTAM_PG_USER}"

    # A cluster initialised under a C/POSIX locale has a SQL_ASCII template1, and
    # Django's test databases are copied from template1. Rebuild it as UTF8.
    local enc
    enc="$(cd / && _svc_as_postgres "${psql[@]}" -At -c "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'template1'")"
    if [ "$enc" != "UTF8" ]; then
        _svc_log "template1 is $enc; recreating it as UTF8"
        (cd / && _svc_as_postgres "${psql[@]}" <<'SQL'
UPDATE pg_database SET datistemplate = false WHERE datname = 'template1';
DROP DATABASE template1;
CREATE DATABASE template1 WITH TEMPLATE = template0 ENCODING = 'UTF8' LC_COLLATE = 'C.UTF-8' LC_CTYPE = 'C.UTF-8';
UPDATE pg_database SET datistemplate = true WHERE datname = 'template1';
SQL
        ) || _svc_die "could not rebuild template1 as UTF8"
    fi

    local exists
    exists="$(cd / && _svc_as_postgres "${psql[@]}" -At -c "SELECT 1 FROM pg_database WHERE datname = '${TIDTAM_PG_DB}'")"
    if [ "$exists" != "1" ]; then
        _svc_log "creating database ${TIDTAM_PG_DB}"
        (cd / && _svc_as_postgres "${psql[@]}" -c \
            "CREATE DATABASE ${TIDTAM_PG_DB} OWNER ${TIDTAM_PG_USER} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'") \
            || _svc_die "could not create database ${TIDTAM_PG_DB}"
    else
        (cd / && _svc_as_postgres "${psql[@]}" -c "ALTER DATABASE ${TIDTAM_PG_DB} OWNER TO ${TIDTAM_PG_USER}") \
            || _svc_die "could not set owner of database ${TIDTAM_PG_DB}"
    fi
}

# --------------------------------------------------------------------- 3. Redis
_svc_redis_ready() {
    [ "$(redis-cli -h "$TIDTAM_REDIS_HOST" -p "$TIDTAM_REDIS_PORT" ping 2>/dev/null || true)" = "PONG" ]
}

_svc_start_redis() {
    if _svc_redis_ready; then
        _svc_log "Redis already answering on ${TIDTAM_REDIS_HOST}:${TIDTAM_REDIS_PORT}"
        return 0
    fi
    _svc_log "starting redis-server"
    local rdir="${TMPDIR:-/tmp}"
    (cd "$rdir" && redis-server --daemonize yes \
        --bind "$TIDTAM_REDIS_HOST" --port "$TIDTAM_REDIS_PORT" \
        --save '' --appendonly no \
        --dir "$rdir" \
        --pidfile "$rdir/tidtam-redis-${TIDTAM_REDIS_PORT}.pid" \
        --logfile "$rdir/tidtam-redis-${TIDTAM_REDIS_PORT}.log" >/dev/null) \
        || _svc_die "redis-server failed to start (see $rdir/tidtam-redis-${TIDTAM_REDIS_PORT}.log)"
}

# ---------------------------------------------------------------------- 4. wait
_svc_wait_ready() {
    local deadline=$((SECONDS + TIDTAM_WAIT_SECONDS)) pg_ok=0 redis_ok=0
    while :; do
        [ "$pg_ok" -eq 1 ] || { _svc_pg_ready && pg_ok=1; }
        [ "$redis_ok" -eq 1 ] || { _svc_redis_ready && redis_ok=1; }
        [ "$pg_ok" -eq 1 ] && [ "$redis_ok" -eq 1 ] && return 0
        if [ "$SECONDS" -ge "$deadline" ]; then
            [ "$pg_ok" -eq 1 ] || {
                tail -n 20 "/var/log/postgresql/postgresql-${TIDTAM_PG_VERSION}-main.log" >&2 2>/dev/null || true
                _svc_log "PostgreSQL is not answering on ${TIDTAM_PG_HOST}:${TIDTAM_PG_PORT} after ${TIDTAM_WAIT_SECONDS}s"; }
            [ "$redis_ok" -eq 1 ] || _svc_log "Redis is not answering on ${TIDTAM_REDIS_HOST}:${TIDTAM_REDIS_PORT} after ${TIDTAM_WAIT_SECONDS}s"
            _svc_die "services did not come up"
        fi
        sleep 0.5
    done
}

_svc_main() {
    local t0=$SECONDS
    _svc_install_packages
    _svc_start_postgres
    _svc_start_redis
    _svc_wait_ready
    _svc_setup_postgres_db
    _svc_log "PostgreSQL and Redis ready ($((SECONDS - t0))s)"
}

# --------------------------------------------------------------------- run it
# In a subshell NOT in a conditional context, so `set -e` really applies inside.
set +e
( set -euo pipefail; _svc_main )
_tidtam_rc=$?
eval "$_tidtam_saved_opts"
if [ "$_tidtam_saved_errexit" -eq 1 ]; then set -e; else set +e; fi
unset _tidtam_saved_opts _tidtam_saved_errexit

if [ "$_tidtam_rc" -ne 0 ]; then
    printf '[services] setup failed (exit %s)\n' "$_tidtam_rc" >&2
    return "$_tidtam_rc" 2>/dev/null || exit "$_tidtam_rc"
fi
unset _tidtam_rc

# ------------------------------------------------------------------ 5. exports
export DATABASE_URL="postgres://${TIDTAM_PG_USER}:${TIDTAM_PG_PASSWORD}@${TIDTAM_PG_HOST}:${TIDTAM_PG_PORT}/${TIDTAM_PG_DB}"
export REDIS_URL="redis://${TIDTAM_REDIS_HOST}:${TIDTAM_REDIS_PORT}/0"
export TIDTAM_REQUIRE_SERVICES=1
export CHROMIUM_PATH=/usr/bin/chromium

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    _svc_log "note: executed, not sourced; use 'source .ci/services.sh' to get DATABASE_URL etc. in your shell"
fi
