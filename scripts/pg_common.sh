# shellcheck shell=bash
# Shared helpers for backup.sh, restore.sh and check_backup.sh (sourced, not run).
#
# pg_url_to_env URL: parse postgres://user:pass@host:port/dbname?sslmode=... into the libpq
# variables PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (and PGSSLMODE, ...), exported, so
# that the password never appears on a command line (ps) or in the scripts' output.

die() {
    printf '%s: %s\n' "${0##*/}" "$*" >&2
    exit 2
}

note() {
    printf '%s: %s\n' "${0##*/}" "$*" >&2
}

# Percent-decoding (%40 -> @) of one URL component; nothing else is interpreted.
pg_urldecode() {
    local rest=$1 out="" ch
    while [[ $rest =~ ^([^%]*)%([0-9A-Fa-f]{2})(.*)$ ]]; do
        out+=${BASH_REMATCH[1]}
        # shellcheck disable=SC2059  # the format is exactly one \xHH escape
        printf -v ch "\\x${BASH_REMATCH[2]}"
        out+=$ch
        rest=${BASH_REMATCH[3]}
    done
    printf '%s' "$out$rest"
}

pg_url_to_env() {
    local url=$1
    local re='^(postgres|postgresql|pgsql|postgis)://(([^:@/]*)(:([^@/]*))?@)?(\[[^]/]*\]|[^:/?]*)(:([0-9]*))?(/([^?]*))?(\?(.*))?$'
    if [[ $url =~ ^sqlite ]]; then
        die "DATABASE_URL is SQLite: back it up by copying the database file while the site is stopped"
    fi
    [[ $url =~ $re ]] || die "not a PostgreSQL URL (expected postgres://user:password@host:port/dbname)"
    local user=${BASH_REMATCH[3]} password=${BASH_REMATCH[5]} host=${BASH_REMATCH[6]}
    local port=${BASH_REMATCH[8]} dbname=${BASH_REMATCH[10]} query=${BASH_REMATCH[12]}
    host=${host#[}
    host=${host%]}
    unset PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE
    [[ -n $dbname ]] || die "the URL names no database"
    if [[ -n $host ]]; then PGHOST=$(pg_urldecode "$host") && export PGHOST; fi
    if [[ -n $port ]]; then export PGPORT=$port; fi
    if [[ -n $user ]]; then PGUSER=$(pg_urldecode "$user") && export PGUSER; fi
    if [[ -n $password ]]; then PGPASSWORD=$(pg_urldecode "$password") && export PGPASSWORD; fi
    PGDATABASE=$(pg_urldecode "$dbname") && export PGDATABASE
    # Query parameters that libpq understands as environment variables.
    local pair key value
    local IFS='&'
    for pair in $query; do
        key=${pair%%=*}
        value=$(pg_urldecode "${pair#*=}")
        case $key in
            host) export PGHOST="$value" ;;
            port) export PGPORT="$value" ;;
            sslmode) export PGSSLMODE="$value" ;;
            sslrootcert) export PGSSLROOTCERT="$value" ;;
            sslcert) export PGSSLCERT="$value" ;;
            sslkey) export PGSSLKEY="$value" ;;
            connect_timeout) export PGCONNECT_TIMEOUT="$value" ;;
            application_name) export PGAPPNAME="$value" ;;
            options) export PGOPTIONS="$value" ;;
            *) ;; # Django-only options (conn_max_age, ...) mean nothing to pg_dump.
        esac
    done
    return 0
}

# A printable description of the connection, without the password.
pg_describe() {
    printf '%s@%s:%s/%s' "${PGUSER:-$(id -un)}" "${PGHOST:-local socket}" "${PGPORT:-5432}" \
        "$PGDATABASE"
}

pg_require_tools() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 \
            || die "$tool not found: install the PostgreSQL client tools (Debian: postgresql-client)"
    done
}

# psql with the options every script wants: no ~/.psqlrc, stop on the first error, unaligned
# tuples only.
pg_psql() {
    psql -X -q -v ON_ERROR_STOP=1 -A -t "$@"
}

pg_quote_ident() {
    printf '"%s"' "${1//\"/\"\"}"
}

pg_quote_literal() {
    printf "'%s'" "${1//\'/\'\'}"
}

# One line "schema.table<TAB>exact row count" per ordinary or partitioned table outside the
# system schemas, in a single statement (query_to_xml runs one count(*) per table), so that it
# can run inside the read-only transaction that pg_dump's snapshot belongs to.
PG_COUNT_ROWS_SQL="SELECT format('%s.%s', n.nspname, c.relname) || E'\\t' ||
  (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname),
   false, true, '')))[1]::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY 1;"

# Row counts of the database the PG* variables point at, to stdout.
pg_count_rows() {
    pg_psql -c "$PG_COUNT_ROWS_SQL"
}

# Number of tables, views, sequences, ... outside the system schemas: 0 for an empty database.
pg_object_count() {
    pg_psql -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_%'"
}
