#!/usr/bin/env bash
# Side-by-side performance comparison of anjuan against the tools that do one part of its
# job, on the same synthetic files (examples/synth.rs). Prints a table with the ratios and
# the goals; "MISS" marks a missed goal. See benches/README.md.
#
#   benches/compare.sh [--quick] [--work DIR] [--keep] [--skip-install]
#
# --quick         smaller sizes (a couple of minutes instead of a quarter of an hour)
# --work DIR      where archives and outputs go (default: a fresh temp dir, removed at the end)
# --keep          keep the work dir
# --skip-install  do not try to install missing tools
set -euo pipefail

QUICK=0
KEEP=0
INSTALL=1
WORK=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --keep) KEEP=1 ;;
        --skip-install) INSTALL=0 ;;
        --work) WORK="$2"; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$HERE"

# ---- sizes --------------------------------------------------------------------------------
if [ "$QUICK" = 1 ]; then
    SCANS=50            # JPEG scans bound into one volume
    PDF_VOLS=5          # volumes of PDF_PER_VOL five-page PDFs
    PDF_PER_VOL=50
    MD_VOLS=10          # volumes of MD_PER_VOL Markdown materials
    MD_PER_VOL=100
    BIG_VOLS=100        # incremental + memory ("big" archive)
    SMALL_VOLS=10
    PAR_VOLS=20         # --jobs 1 vs default
    RUNS=2
else
    SCANS=200
    PDF_VOLS=20
    PDF_PER_VOL=50
    MD_VOLS=50
    MD_PER_VOL=100
    BIG_VOLS=1000
    SMALL_VOLS=10
    PAR_VOLS=100
    RUNS=3
fi
# Composition of every volume of the big/small/parallel archives: three Markdown 笔录, one
# three-page PDF and two 150-dpi scans (about 100 KB each).
MIXED=(--markdown 3 --pdfs 1 --pdf-pages 3 --scans 2 --dpi 150)

# ---- tools --------------------------------------------------------------------------------
need_apt=()
command -v hyperfine >/dev/null || need_apt+=(hyperfine)
command -v pdfunite >/dev/null || need_apt+=(poppler-utils)
command -v hugo >/dev/null || need_apt+=(hugo)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$INSTALL" = 1 ]; then
        SUDO=""
        [ "$(id -u)" = 0 ] || SUDO="sudo"
        $SUDO apt-get install -y "${need_apt[@]}" >/dev/null || {
            $SUDO apt-get update >/dev/null && $SUDO apt-get install -y "${need_apt[@]}" >/dev/null
        }
    else
        echo "missing: ${need_apt[*]}" >&2
        exit 2
    fi
fi
if ! command -v img2pdf >/dev/null; then
    if [ "$INSTALL" = 1 ]; then
        python3 -m pip install --quiet img2pdf
        hash -r
    fi
    command -v img2pdf >/dev/null || { echo "img2pdf not found (pip install img2pdf)" >&2; exit 2; }
fi
command -v python3 >/dev/null || { echo "python3 is needed to read hyperfine's JSON" >&2; exit 2; }

# ---- build --------------------------------------------------------------------------------
cargo build --release --quiet --bin anjuan --example synth
TARGET="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
ANJUAN="$TARGET/release/anjuan"
SYNTH="$TARGET/release/examples/synth"

CLEAN_WORK=0
if [ -z "$WORK" ]; then
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/anjuan-bench.XXXXXX")"
    [ "$KEEP" = 1 ] || CLEAN_WORK=1
else
    mkdir -p "$WORK"
fi
echo "work dir: $WORK" >&2
# Every run writes into a fresh output folder. The previous run's folder is moved aside and
# all are deleted at the end, not deleted just before the next run: on ext4, files created
# seconds after thousands were deleted wait for the inode allocator to step over the
# just-freed inodes (`recently_deleted`), which timed the filesystem's recovery from the
# previous run, worst for whichever tool writes more files (benches/RESULTS.md).
# Without a journal (as here), ext4 counts a freed inode as just deleted for five minutes
# while its inode-table block is dirty and for a minute once it is written (recent Linux:
# RECENTCY_DIRTY and RECENTCY_MIN in fs/ext4/ialloc.c), and creating files next to freed
# inodes dirties those blocks again. So every run starts after a `sync` (the previous run's
# writes flushed, whichever tool made them), the trash is synced once deleted, and a run of
# this script that follows another within five minutes first waits for the rest of them.
TRASH="$WORK/.trash"
mkdir -p "$TRASH"
if [ -f "$WORK/.deleted-at" ]; then
    wait_s=$(( $(cat "$WORK/.deleted-at") + 305 - $(date +%s) ))
    if [ "$wait_s" -gt 0 ]; then
        echo "waiting ${wait_s} s: the previous run's outputs were deleted just now" >&2
        sleep "$wait_s"
    fi
fi
trap 'rm -rf "$TRASH"; sync; date +%s > "$WORK/.deleted-at" 2>/dev/null || true; [ "$CLEAN_WORK" = 0 ] || rm -rf "$WORK"' EXIT
# aside DIR...: a shell command moving each DIR that exists into the trash, then syncing.
aside() {
    local cmd=""
    for d in "$@"; do
        cmd+="if [ -e '$d' ]; then mv '$d' '$TRASH/'\$(date +%s%N); fi; "
    done
    printf '%s' "${cmd}sync"
}

# mean wall time (seconds) of command IDX in a hyperfine JSON export
mean() { python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["mean"])' "$1" "$2"; }
ratio() { python3 -c 'import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print("%.3f" % (a/b if b else float("inf")))' "$1" "$2"; }
# met OP RATIO LIMIT: "yes" when RATIO OP LIMIT holds, else "MISS"
met() { python3 -c 'import sys; r,l=float(sys.argv[2]),float(sys.argv[3]); ok = r<=l if sys.argv[1]=="le" else r>=l; print("yes" if ok else "MISS")' "$1" "$2" "$3"; }
synth() { # synth DIR ARGS...: generate once (kept between runs of this script with --work)
    local dir="$1"; shift
    if [ ! -f "$dir/.done" ]; then
        rm -rf "$dir"
        "$SYNTH" "$@" "$dir" >&2
        touch "$dir/.done"
    fi
}
HF=(hyperfine --style basic --warmup 1 --runs "$RUNS")

ROWS=()
row() { ROWS+=("$(printf '| %s | %s | %s | %s | %s | %s |' "$@")"); }

# ---- 1. JPEG scans → one volume PDF vs img2pdf -------------------------------------------
echo "== $SCANS JPEG scans: anjuan --only pdf vs img2pdf" >&2
S="$WORK/scans"
synth "$S" --volumes 1 --scans "$SCANS" --markdown 1
"${HF[@]}" --export-json "$WORK/scans.json" \
    --prepare "$(aside "$WORK/scans-out")" \
    -n anjuan "'$ANJUAN' build '$S' -o '$WORK/scans-out' --only pdf -q" \
    --prepare "rm -f '$WORK/img2pdf.pdf'" \
    -n img2pdf "img2pdf '$S'/v0001/scans/*.jpg -o '$WORK/img2pdf.pdf'" >&2
a=$(mean "$WORK/scans.json" 0); p=$(mean "$WORK/scans.json" 1); r=$(ratio "$a" "$p")
row "bind $SCANS A4 JPEG scans (1 volume, stamps, 目录, outline)" "${a} s" "img2pdf ${p} s" "$r" "≤ 0.5" "$(met le "$r" 0.5)"

# ---- 2. five-page PDFs → volume PDFs vs pdfunite -----------------------------------------
n=$((PDF_VOLS * PDF_PER_VOL))
echo "== $n five-page PDFs: anjuan --only pdf vs pdfunite" >&2
P="$WORK/pdfs"
synth "$P" --volumes "$PDF_VOLS" --pdfs "$PDF_PER_VOL" --pdf-pages 5 --markdown 1
"${HF[@]}" --export-json "$WORK/pdfs.json" \
    --prepare "$(aside "$WORK/pdfs-out")" \
    -n anjuan "'$ANJUAN' build '$P' -o '$WORK/pdfs-out' --only pdf -q" \
    --prepare "rm -f '$WORK/pdfunite.pdf'" \
    -n pdfunite "pdfunite '$P'/v*/pdf/*.pdf '$WORK/pdfunite.pdf'" >&2
a=$(mean "$WORK/pdfs.json" 0); p=$(mean "$WORK/pdfs.json" 1); r=$(ratio "$a" "$p")
row "bind $n five-page PDFs ($PDF_VOLS volumes × $PDF_PER_VOL)" "${a} s" "pdfunite ${p} s" "$r" "≤ 1.0" "$(met le "$r" 1.0)"

# ---- 3. Markdown → HTML vs Hugo ----------------------------------------------------------
n=$((MD_VOLS * MD_PER_VOL))
echo "== $n Markdown materials: anjuan --only html vs hugo" >&2
M="$WORK/md"
synth "$M" --volumes "$MD_VOLS" --markdown "$MD_PER_VOL" --hugo "$WORK/hugo"
"${HF[@]}" --export-json "$WORK/md.json" \
    --prepare "$(aside "$WORK/md-out")" \
    -n anjuan "'$ANJUAN' build '$M' -o '$WORK/md-out' --only html -q" \
    --prepare "$(aside "$WORK/hugo/public" "$WORK/hugo/resources")" \
    -n hugo "hugo --quiet -s '$WORK/hugo' -d '$WORK/hugo/public'" >&2
a=$(mean "$WORK/md.json" 0); p=$(mean "$WORK/md.json" 1); r=$(ratio "$a" "$p")
row "HTML of $n Markdown materials" "${a} s" "hugo ${p} s" "$r" "≤ 1.0" "$(met le "$r" 1.0)"

# ---- 4. incremental rebuild + memory (big archive) ---------------------------------------
# /usr/bin/time -v gives the wall time and the peak RSS of one full build.
timed() { # timed LOG CMD...: run, keep time -v's report in LOG
    local log="$1"; shift
    /usr/bin/time -v "$@" 2>"$log" >/dev/null || { tail -20 "$log" >&2; return 1; }
}
wall_of() { python3 - "$1" <<'EOF'
import sys, re
for line in open(sys.argv[1]):
    if "Elapsed (wall clock)" in line:
        t = line.rsplit(" ", 1)[1].strip().split(":")
        s = float(t[-1]) + 60 * float(t[-2]) + (3600 * float(t[-3]) if len(t) > 2 else 0)
        print("%.4f" % s)
EOF
}
rss_of() { awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$1"; }
median() {
    printf '%s\n' "$@" | sort -g |
        awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.4f\n", (a[NR/2]+a[NR/2+1])/2}'
}
# The peak RSS moves by a megabyte or two from run to run (when the two workers' largest
# steps coincide), so each memory figure is the median of RUNS builds; all are printed.

echo "== $BIG_VOLS volumes: full build, then a build with nothing changed" >&2
B="$WORK/big"
synth "$B" --volumes "$BIG_VOLS" "${MIXED[@]}"
walls=(); rsses=()
for i in $(seq "$RUNS"); do
    eval "$(aside "$WORK/big-out")"
    timed "$WORK/big-full.time" "$ANJUAN" build "$B" -o "$WORK/big-out" -q
    walls+=("$(wall_of "$WORK/big-full.time")"); rsses+=("$(rss_of "$WORK/big-full.time")")
done
full=$(median "${walls[@]}"); rss_big=$(median "${rsses[@]}")
echo "   full builds: ${walls[*]} s; peak RSS: ${rsses[*]} MB" >&2
"${HF[@]}" --export-json "$WORK/incr.json" \
    -n "anjuan (nothing changed)" "'$ANJUAN' build '$B' -o '$WORK/big-out' -q" >&2
second=$(mean "$WORK/incr.json" 0); r=$(ratio "$second" "$full")
row "incremental: 2nd build, nothing changed, $BIG_VOLS volumes" "${second} s" "1st build ${full} s" "$r" "≤ 0.02" "$(met le "$r" 0.02)"

echo "== $SMALL_VOLS volumes: memory" >&2
SM="$WORK/small"
synth "$SM" --volumes "$SMALL_VOLS" "${MIXED[@]}"
rsses=()
for i in $(seq "$RUNS"); do
    eval "$(aside "$WORK/small-out")"
    timed "$WORK/small-full.time" "$ANJUAN" build "$SM" -o "$WORK/small-out" -q
    rsses+=("$(rss_of "$WORK/small-full.time")")
done
rss_small=$(median "${rsses[@]}")
echo "   peak RSS: ${rsses[*]} MB" >&2
row "peak RSS, full build of $BIG_VOLS volumes" "${rss_big} MB" "—" "—" "≤ 200 MB" "$(met le "$rss_big" 200)"
r=$(ratio "$rss_big" "$rss_small")
row "peak RSS, $BIG_VOLS vs $SMALL_VOLS volumes" "${rss_big} MB" "${rss_small} MB" "$r" "≤ 1.2" "$(met le "$r" 1.2)"

# ---- 5. parallel speed-up ----------------------------------------------------------------
echo "== $PAR_VOLS volumes: --jobs 1 vs default" >&2
PA="$WORK/par"
synth "$PA" --volumes "$PAR_VOLS" "${MIXED[@]}"
# A fresh output folder every run: the incremental cache must not serve these builds.
"${HF[@]}" --export-json "$WORK/par.json" \
    --prepare "$(aside "$WORK/par-out")" \
    -n "default jobs" "'$ANJUAN' build '$PA' -o '$WORK/par-out' -q" \
    --prepare "$(aside "$WORK/par-out")" \
    -n "jobs=1" "'$ANJUAN' build '$PA' -o '$WORK/par-out' -q --jobs 1" >&2
a=$(mean "$WORK/par.json" 0); p=$(mean "$WORK/par.json" 1); r=$(ratio "$p" "$a")
row "parallel: full build of $PAR_VOLS volumes, speed-up over --jobs 1 ($(nproc) cores)" "${a} s" "--jobs 1 ${p} s" "${r}×" "≥ 1.7×" "$(met ge "$r" 1.7)"

# ---- table --------------------------------------------------------------------------------
echo
echo "anjuan $(git -C "$HERE" rev-parse --short HEAD 2>/dev/null || echo '?') · $(nproc) cores · $(date -u '+%Y-%m-%d %H:%M UTC')$([ "$QUICK" = 1 ] && echo ' · --quick')"
echo
echo "| operation | anjuan | peer | ratio | goal | met? |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
