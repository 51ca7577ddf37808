#!/usr/bin/env bash
# Writes the manual pages pooldesk(1), pooldeskctl(1) and pooldesk-service(8), in English and
# Japanese, into docs/man (or the folder given), from one source: the programs' own --help and
# --version, whose text goes through the same translations as everything else (help2man turns
# them into roff), plus the sections --help cannot hold, in docs/man/*.h2m.
#   scripts/man-pages.sh [BUILD_DIR [OUT_DIR]]
# tests/packaging checks that the committed pages are what this script writes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-${POOLDESK_BUILD_DIR:-$root/build}}" && pwd)
out=${2:-$root/docs/man}
command -v help2man >/dev/null || { echo "man-pages: help2man is missing (apt install help2man)" >&2; exit 1; }

# The pages carry the release date of this version, not the day they were generated: the same
# sources give the same pages (reproducible builds, and the check in the suite).
version=$(sed -n 's/^project(PoolDesk VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
date=$(sed -n 's/^set(POOLDESK_RELEASE_DATE "\(.*\)")$/\1/p' "$root/CMakeLists.txt")
[ -n "$version" ] && [ -n "$date" ] || { echo "man-pages: version or release date not found" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The programs run with a neutral home and no display, so no path of this machine's user reaches
# the pages.
export HOME=/home/USER XDG_DATA_HOME= XDG_CONFIG_HOME= QT_QPA_PLATFORM=offscreen TZ=UTC
unset POOLDESK_DB POOLDESK_ENV
declare -A binary=(
  [pooldesk]="$build/app/pooldesk/pooldesk"
  [pooldeskctl]="$build/app/pooldeskctl/pooldeskctl"
  [pooldesk-service]="$build/app/service/pooldesk-service"
)
declare -A section=([pooldesk]=1 [pooldeskctl]=1 [pooldesk-service]=8)
for lang in en ja; do
  case $lang in
    en) folder=$out ;;
    ja) folder=$out/ja ;;
  esac
  mkdir -p "$folder"
  for program in pooldesk pooldeskctl pooldesk-service; do
    # help2man names the page after the program it runs: a wrapper of that name sets the language.
    mkdir -p "$work/$lang"
    wrapper=$work/$lang/$program
    # It also runs the program under its own name (Qt prints argv[0] in the usage line) and gives
    # help2man the usage line under the heading it looks for.
    cat >"$wrapper" <<WRAPPER
#!/usr/bin/env bash
# Qt takes the language from LANGUAGE even in the C.UTF-8 locale help2man runs it in.
export LANGUAGE=$lang
set -o pipefail
(exec -a $program "${binary[$program]}" "\$@") 2>&1 | sed -e 's/^使い方: /Usage: /'
WRAPPER
    chmod +x "$wrapper"
    include=$root/docs/man/$program.$lang.h2m
    page=$folder/$program.${section[$program]}
    # help2man's own headings stay English (its Japanese needs a generated ja_JP locale); the
    # Japanese page renames them below. The one-line summary is the include file's [NAME].
    SOURCE_DATE_EPOCH=$(date -u -d "$date" +%s) help2man --locale=C.UTF-8 --no-info --no-discard-stderr \
      --section="${section[$program]}" --version-string="$version" \
      --source="PoolDesk $version" --manual="PoolDesk" --include="$include" \
      --output="$work/page" "$wrapper"
    # The revision line of --version belongs to a build, not to the manual.
    sed -i -e '/^Built from git revision/d' -e '/^git リビジョン/d' -e "s|/home/USER|~|g" "$work/page"
    if [ $lang = ja ]; then
      sed -i -e 's/^\.SH NAME$/.SH 名前/' -e 's/^\.SH SYNOPSIS$/.SH 書式/' -e 's/^\.SH DESCRIPTION$/.SH 説明/' \
        -e 's/^\.SH OPTIONS$/.SH オプション/' -e 's/^\.SH COPYRIGHT$/.SH 著作権/' \
        -e 's/^\.SH "SEE ALSO"$/.SH 関連項目/' -e 's/^\.SH AUTHOR$/.SH 作者/' "$work/page"
    fi
    mv "$work/page" "$page"
  done
done
echo "man-pages: $(find "$out" -name '*.[18]' | wc -l) pages in $out"
