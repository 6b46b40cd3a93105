#!/usr/bin/env bash
# Back up the platform: a pg_dump (custom format) of DATABASE_URL, the exact row count of every
# table taken in the dump's own snapshot (for check_backup.sh), and a tar of the media files.
#
#   scripts/backup.sh [--dir DIR] [--media DIR | --no-media] [--keep N] [--database-url URL]
#
#   --dir DIR           where backups go (default: $BACKUP_DIR, else ./backups)
#   --media DIR         media root to archive (default: $DJANGO_MEDIA_ROOT); exports/ is left out
#   --no-media          database only
#   --keep N            then delete all but the newest N backups (default: $BACKUP_KEEP, else all
#                       are kept)
#   --database-url URL  default: $DATABASE_URL
#
# Writes DIR/renovation-<UTC timestamp>.dump, .counts and -media.tar.gz; each file appears only
# once complete (written under a temporary name, then renamed). Prints the dump's path last.
# The password in the URL is passed to pg_dump through PGPASSWORD, never on a command line.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/pg_common.sh
. "$here/pg_common.sh"

usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

dir=${BACKUP_DIR:-./backups}
media=${DJANGO_MEDIA_ROOT:-}
with_media=1
keep=${BACKUP_KEEP:-}
url=${DATABASE_URL:-}
while [[ $# -gt 0 ]]; do
    case $1 in
        --dir) dir=${2:?--dir needs a value}; shift 2 ;;
        --media) media=${2:?--media needs a value}; shift 2 ;;
        --no-media) with_media=0; shift ;;
        --keep) keep=${2:?--keep needs a value}; shift 2 ;;
        --database-url) url=${2:?--database-url needs a value}; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done
[[ -n $url ]] || die "set DATABASE_URL or pass --database-url"
[[ -z $keep || $keep =~ ^[1-9][0-9]*$ ]] || die "--keep must be a positive number"
pg_url_to_env "$url"
pg_require_tools pg_dump psql

mkdir -p "$dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
base="$dir/renovation-$stamp"
[[ ! -e "$base.dump" ]] || die "$base.dump already exists"

tmp_files=()
psql_pid=""
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    local status=$?
    if [[ -n $psql_pid ]]; then
        exec {psql_in}>&- || true
        wait "$psql_pid" || true
    fi
    if ((${#tmp_files[@]})); then rm -f "${tmp_files[@]}"; fi
    exit "$status"
}
trap cleanup EXIT

note "dumping $(pg_describe)"

# One read-only REPEATABLE READ transaction stays open in a psql coprocess: it exports its
# snapshot, pg_dump dumps exactly that snapshot (--snapshot), and the row counts are read in the
# same transaction afterwards, so they describe exactly what the dump holds even while the site
# keeps writing.
coproc PSQL { pg_psql; }
# (bash unsets PSQL and PSQL_PID when the coprocess ends: keep copies.)
# shellcheck disable=SC2153  # PSQL_PID is set by coproc
psql_pid=${PSQL_PID:-}
psql_in=${PSQL[1]:-}
psql_out=${PSQL[0]:-}
[[ -n $psql_pid && -n $psql_in && -n $psql_out ]] || die "psql ended at once on $(pg_describe)"
# (A psql that exits early, e.g. on a refused login, must give an error here, not a SIGPIPE.)
trap '' PIPE
printf '%s\n' "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;" \
    "SELECT pg_export_snapshot();" 1>&"$psql_in" 2>/dev/null || true
snapshot=""
read -r -t 120 snapshot <&"$psql_out" || true
[[ $snapshot =~ ^[0-9A-F-]+$ ]] || die "could not open a snapshot on $(pg_describe)"

tmp_files+=("$base.dump.part" "$base.counts.part")
pg_dump --format=custom --snapshot="$snapshot" --file="$base.dump.part"

printf '%s\n' "$PG_COUNT_ROWS_SQL" '\echo __counts_end__' >&"$psql_in" \
    || die "the snapshot session ended early"
: >"$base.counts.part"
line=""
while :; do
    read -r -t 600 line <&"$psql_out" || die "row counts were not read"
    [[ $line == __counts_end__ ]] && break
    printf '%s\n' "$line" >>"$base.counts.part"
done
printf '%s\n' "COMMIT;" '\q' >&"$psql_in"
exec {psql_in}>&-
wait "$psql_pid" || die "the snapshot session failed"
psql_pid=""

mv "$base.counts.part" "$base.counts"
mv "$base.dump.part" "$base.dump"
tables=$(wc -l <"$base.counts")
rows=$(awk -F '\t' '{ n += $2 } END { print n + 0 }' "$base.counts")
note "wrote $base.dump ($(du -h "$base.dump" | cut -f1); $tables tables, $rows rows)"

if ((with_media)); then
    if [[ -z $media ]]; then
        note "no media archived: set DJANGO_MEDIA_ROOT or pass --media DIR (or --no-media)"
    elif [[ ! -d $media ]]; then
        die "media directory $media does not exist"
    else
        tmp_files+=("$base-media.tar.gz.part")
        # exports/ holds ledger files that expire after a few days: not worth keeping.
        tar -czf "$base-media.tar.gz.part" -C "$media" --exclude=./exports .
        mv "$base-media.tar.gz.part" "$base-media.tar.gz"
        note "wrote $base-media.tar.gz ($(du -h "$base-media.tar.gz" | cut -f1))"
    fi
fi

if [[ -n $keep ]]; then
    # Backups sort by their timestamp; remove every set beyond the newest $keep.
    mapfile -t old < <(find "$dir" -maxdepth 1 -name 'renovation-*.dump' -printf '%f\n' \
        | sort -r | tail -n +"$((keep + 1))")
    for name in "${old[@]}"; do
        stem=${name%.dump}
        rm -f "$dir/$stem.dump" "$dir/$stem.counts" "$dir/$stem-media.tar.gz"
        note "removed old backup $stem"
    done
fi

printf '%s\n' "$base.dump"
