#!/usr/bin/env bash
# Restore a pg_dump custom-format backup (from backup.sh) into a database.
#
#   scripts/restore.sh [--force] [--create] [--database-url URL] DUMP
#
#   DUMP                a .dump file written by backup.sh (or pg_dump -Fc)
#   --database-url URL  the target database (default: $DATABASE_URL)
#   --create            create the target database first if it does not exist (needs the
#                       CREATEDB privilege; connects to the "postgres" database to do it)
#   --force             restore even if the target already holds tables: everything in its
#                       "public" schema is DROPPED first. Without it a non-empty target is refused.
#
# The restore runs in one transaction: it applies completely or not at all. Objects are owned by
# the connecting user (--no-owner) and the dump's grants are not replayed (--no-acl), so a dump
# taken on one server restores on another with a different role name.
# Exit status: 0 restored, 2 usage or refusal, other: pg_restore failed (nothing restored).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/pg_common.sh
. "$here/pg_common.sh"

usage() { sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

force=0
create=0
url=${DATABASE_URL:-}
dump=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --force) force=1; shift ;;
        --create) create=1; shift ;;
        --database-url) url=${2:?--database-url needs a value}; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        -*) die "unknown option: $1 (see --help)" ;;
        *) [[ -z $dump ]] || die "one dump at a time"; dump=$1; shift ;;
    esac
done
[[ -n $dump ]] || die "name the dump to restore (see --help)"
[[ -f $dump ]] || die "no such file: $dump"
[[ -n $url ]] || die "set DATABASE_URL or pass --database-url"
pg_url_to_env "$url"
pg_require_tools pg_restore psql

# Refuse a file that is not a custom-format dump before touching the database.
pg_restore --list "$dump" >/dev/null || die "$dump is not a pg_dump custom-format archive"

target=$(pg_describe)
exists=$(PGDATABASE=postgres pg_psql -c \
    "SELECT count(*) FROM pg_database WHERE datname = $(pg_quote_literal "$PGDATABASE")")
if [[ $exists == 0 ]]; then
    ((create)) || die "database $PGDATABASE does not exist (pass --create to create it)"
    PGDATABASE=postgres pg_psql -c "CREATE DATABASE $(pg_quote_ident "$PGDATABASE")"
    note "created database $PGDATABASE"
fi

objects=$(pg_object_count)
if [[ $objects != 0 ]]; then
    ((force)) || die "refusing to restore into $target: it already holds $objects tables, \
views or sequences (pass --force to replace them, or restore into a new database)"
    note "--force: dropping everything in the public schema of $target"
    pg_psql -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS public CASCADE;" \
        -c "CREATE SCHEMA public;"
fi

note "restoring $dump into $target"
pg_restore --no-owner --no-acl --exit-on-error --single-transaction --dbname="$PGDATABASE" "$dump"
note "restored $dump into $target"
