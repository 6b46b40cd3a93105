#!/usr/bin/env bash
# Prove a backup restores: restore the newest dump into a scratch database on the same server,
# count the rows of every table, compare them with the source, print the comparison, then drop
# the scratch database. Exit status 0 only if every table matches.
#
#   scripts/check_backup.sh [--dir DIR | --dump FILE] [--against-live] [--scratch-db NAME]
#                           [--keep-scratch] [--compare-db NAME] [--database-url URL]
#
#   --dir DIR           take the newest renovation-*.dump there (default: $BACKUP_DIR, else
#                       ./backups)
#   --dump FILE         check this dump instead
#   --against-live      compare with the source database as it is now, instead of with the row
#                       counts backup.sh recorded in the dump's own snapshot (the default, exact
#                       even while the site is in use). Use it on a quiet database, or for a dump
#                       without a .counts file.
#   --scratch-db NAME   name of the scratch database (default: <source>_check_<time>_<pid>); it
#                       must not exist
#   --keep-scratch      leave the scratch database for inspection (drop it yourself)
#   --compare-db NAME   restore nothing: compare the existing database NAME (same server) with
#                       the source, and leave it alone
#   --database-url URL  the source database (default: $DATABASE_URL); the scratch database is
#                       created on the same server with the same credentials (needs CREATEDB)
#
# Exit status: 0 all counts match; 1 a table differs, is missing or is extra; 2 usage error or
# the restore failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/pg_common.sh
. "$here/pg_common.sh"

usage() { sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

dir=${BACKUP_DIR:-./backups}
dump=""
against_live=0
scratch=""
keep_scratch=0
compare_db=""
url=${DATABASE_URL:-}
while [[ $# -gt 0 ]]; do
    case $1 in
        --dir) dir=${2:?--dir needs a value}; shift 2 ;;
        --dump) dump=${2:?--dump needs a value}; shift 2 ;;
        --against-live) against_live=1; shift ;;
        --scratch-db) scratch=${2:?--scratch-db needs a value}; shift 2 ;;
        --keep-scratch) keep_scratch=1; shift ;;
        --compare-db) compare_db=${2:?--compare-db needs a value}; shift 2 ;;
        --database-url) url=${2:?--database-url needs a value}; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done
[[ -n $url ]] || die "set DATABASE_URL or pass --database-url"
pg_url_to_env "$url"
pg_require_tools pg_restore psql
source_db=$PGDATABASE

if [[ -z $dump ]]; then
    [[ -d $dir ]] || die "no backup directory $dir"
    newest=$(find "$dir" -maxdepth 1 -name 'renovation-*.dump' -printf '%f\n' | sort | tail -n 1)
    [[ -n $newest ]] || die "no renovation-*.dump in $dir"
    dump="$dir/$newest"
fi
[[ -f $dump ]] || die "no such file: $dump"
counts_file="${dump%.dump}.counts"

workdir=$(mktemp -d)
created_scratch=""
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    local status=$?
    rm -rf "$workdir"
    if [[ -n $created_scratch ]]; then
        if ((keep_scratch)); then
            note "kept the scratch database $created_scratch (drop it when done)"
        else
            PGDATABASE=postgres pg_psql -c \
                "DROP DATABASE IF EXISTS $(pg_quote_ident "$created_scratch") WITH (FORCE)" \
                || note "could not drop the scratch database $created_scratch"
        fi
    fi
    exit "$status"
}
trap cleanup EXIT

# The source side: the counts recorded in the dump's snapshot, or the live database.
if ((against_live)); then
    source_label="live $source_db"
    pg_count_rows >"$workdir/source"
else
    [[ -f $counts_file ]] || die "no row counts $counts_file next to the dump (written by \
backup.sh); pass --against-live to compare with the live database instead"
    source_label="source at backup"
    cp "$counts_file" "$workdir/source"
fi

# The restored side.
if [[ -n $compare_db ]]; then
    check_db=$compare_db
else
    check_db=${scratch:-${source_db:0:40}_check_$(date -u +%Y%m%d%H%M%S)_$$}
    ((${#check_db} <= 63)) || die "scratch database name longer than 63 characters: $check_db"
    exists=$(PGDATABASE=postgres pg_psql -c \
        "SELECT count(*) FROM pg_database WHERE datname = $(pg_quote_literal "$check_db")")
    [[ $exists == 0 ]] || die "scratch database $check_db already exists: choose another name"
    PGDATABASE=postgres pg_psql -c "CREATE DATABASE $(pg_quote_ident "$check_db")"
    created_scratch=$check_db
    note "restoring $dump into scratch database $check_db"
    PGDATABASE=$check_db pg_restore --no-owner --no-acl --exit-on-error --single-transaction \
        --dbname="$check_db" "$dump" || die "the restore into $check_db failed"
fi
PGDATABASE=$check_db pg_count_rows >"$workdir/restored"
[[ -s $workdir/source ]] || die "the source has no tables to compare"

printf 'dump:     %s\nrestored: database %s\n\n' "$dump" "$check_db"
# Full outer join of the two "table<TAB>count" lists on the table name.
awk -F '\t' -v left="$source_label" -v right="restored copy" '
    FNR == NR { src[$1] = $2; names[$1] = 1; next }
    { dst[$1] = $2; names[$1] = 1 }
    END {
        n = 0
        for (t in names) list[++n] = t
        # insertion sort: awk has no portable sort
        for (i = 2; i <= n; i++) {
            v = list[i]
            for (j = i - 1; j >= 1 && list[j] > v; j--) list[j + 1] = list[j]
            list[j + 1] = v
        }
        width = 5
        for (i = 1; i <= n; i++) if (length(list[i]) > width) width = length(list[i])
        lw = length(left) > 10 ? length(left) : 10
        rw = length(right) > 10 ? length(right) : 10
        row = "%-" width "s  %" lw "s  %" rw "s  %s\n"
        printf row, "table", left, right, "result"
        bad = 0; total_src = 0; total_dst = 0
        for (i = 1; i <= n; i++) {
            t = list[i]
            a = (t in src) ? src[t] : "-"
            b = (t in dst) ? dst[t] : "-"
            if (!(t in src)) result = "EXTRA"
            else if (!(t in dst)) result = "MISSING"
            else if (a != b) result = "DIFFERS"
            else result = "ok"
            if (result != "ok") bad++
            total_src += (t in src) ? a : 0
            total_dst += (t in dst) ? b : 0
            printf row, t, a, b, result
        }
        printf row, "(" n " tables)", total_src, total_dst, \
            bad ? bad " differ" : "all match"
        exit bad ? 1 : 0
    }
' "$workdir/source" "$workdir/restored" && status=0 || status=$?
if ((status == 0)); then
    note "OK: every table of the restored copy has the row count of the $source_label"
else
    note "FAILED: the restored copy differs from the $source_label"
fi
exit "$status"
