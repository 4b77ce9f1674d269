#!/bin/bash
# The stream shipper: ships every line nginx appends to access.log (to stdout) and error.log (to
# stderr, as the official nginx image sends it) once, in order, within a poll interval; resumes
# from a checkpoint after a restart; and, with retention, frees the oldest shipped bytes of each
# file so the volume stays within a bound.
#
#   stream.sh DIR KEEP_BYTES MAX_AGE_SECONDS POLL_SECONDS AGE_CHECKPOINT_SECONDS BLOCK_BYTES MIN_PUNCH_BYTES DRAIN_SECONDS QUIET_PASSES
#
#   DIR              where nginx writes access.log and error.log (the shared emptyDir)
#   KEEP_BYTES       allocated bytes each log keeps (its newest) beyond what is not yet shipped: its
#                    share of retention.maxSize (components/retention.ts); 0: no retention
#   MAX_AGE_SECONDS  lines older than this are freed (retention only)
#   POLL_SECONDS     how often tail looks for new lines
#   AGE_CHECKPOINT_SECONDS  seconds between two (time, size) checkpoints maxAge is measured on
#   BLOCK_BYTES, MIN_PUNCH_BYTES  retention's hole granularity and least step (retention.sh)
#   DRAIN_SECONDS    on TERM, ship to the end of both logs for at most this long (retention.sh)
#   QUIET_PASSES     ... and until neither log grew for this many passes (a second each)
#
# The component renders retention.sh and this file into the sidecar's command
# (components/shippers.ts); retention.sh holds the state records and the retention both shippers use.
# Needs bash, GNU coreutils (tail, stat, dd, head, wc, mkdir, mkfifo) and, for retention,
# util-linux's fallocate; perl, when there, finds data past a hole in one step (lseek SEEK_DATA).
# Debian and Ubuntu up to 24.04 have them all; Ubuntu 26.04's default coreutils are uutils', whose
# tail does not follow a descriptor (nor does busybox's): the script checks at start and stops
# with one line saying so (retention.sh, require_userland).
#
# How: one GNU `tail -f` per log does the shipping -- a long-running process, so shipping costs no
# process per poll. Its input is this script's own file descriptor for the log, positioned at the
# checkpoint: tail's reads move that descriptor's offset, which this script reads once a second
# from /proc/self/fdinfo (no process) as what has been shipped. tail writes each read (at most
# BUFSIZ, 8 KiB) before the next, so everything before `pos - 8 KiB` is on stdout; and all of it
# once tail sleeps between polls with nothing in flight (its wchan says so).
#
# State, in DIR/.shipper/ (on the shared volume, so it survives a restart of this container), as
# two-slot records (retention.sh): besides retention's <log>.freed and <log>.ages,
#   <log>.pos    "<inode> <offset>": every byte before <offset> is on stdout
# and the .freed record's <shipped> is where to resume if the .pos is lost.
set -u

dir=$1 keep=$2 max_age=$3 poll=$4 age_every=$5 block=$6 min_punch=$7 drain_seconds=$8 quiet=$9
state=$dir/.shipper
logs=(access.log error.log)
out=(1 2)     # the container's stream for each log
bufsize=8192  # GNU tail's read size: at most this much is read and not yet written
me=stream-shipper done_word=shipped catch_up="the shipper catches up"
# What tail had read and not yet written when it is stopped is not known: the count is a bound.
left_qualifier="up to " left_word=shipped left_note=""

# Per log (indexed like `logs`): its descriptor, tail's pid, inode, where this run started, the
# offset in the checkpoint, offset freed, offset at the last retention pass, its age checkpoints.
fd=() tail_pid=() ino=() run_start=() saved=() freed=() last_pass=() ages=()

byte_at() { # FILE OFFSET -> nl, nul, none (past the end) or other
    local c
    c=$(dd if="$1" iflag=skip_bytes skip="$2" bs=1 count=1 status=none | tr '\n\000' '\001\002'; echo x)
    case $c in x) echo none ;; $'\001'x) echo nl ;; $'\002'x) echo nul ;; *) echo other ;; esac
}

binary_search_data() { # LO HI FILE: the first offset in [LO, HI) that is not a NUL, by halving
    local lo=$1 hi=$2 mid
    while [ "$lo" -lt "$hi" ]; do
        mid=$(((lo + hi) / 2))
        if [ "$(byte_at "$3" "$mid")" = nul ]; then lo=$((mid + 1)); else hi=$mid; fi
    done
    echo "$lo"
}

first_data_byte() { # LO HI FILE: the first offset in [LO, HI) that is not a NUL (not in a hole)
    local p
    # One perl process (perl-base is in every debian and ubuntu image): lseek(SEEK_DATA) to the next
    # block holding data, then the first non-NUL byte in it. Without perl, or where the filesystem
    # has no SEEK_DATA, halving [LO, HI) with a few processes per step.
    # shellcheck disable=SC2016 # perl code, not shell
    if p=$(perl -e '
        my ($f, $p, $hi) = @ARGV;
        open(my $h, "<", $f) or exit 1;
        binmode $h;
        while ($p < $hi) {
            my $d = sysseek($h, $p, 3);
            exit 1 unless defined $d;
            $p = $d + 0;
            last if $p >= $hi;
            my $n = sysread($h, my $buf, 65536);
            exit 1 unless $n;
            if ($buf =~ /[^\0]/) { print $p + $-[0]; exit 0; }
            $p += $n;
        }
        print $hi;' "$3" "$1" "$2" 2>/dev/null) && [ -n "$p" ]; then
        echo "$p"
    else
        binary_search_data "$1" "$2" "$3"
    fi
}

line_start() { # FILE OFFSET: where the line holding OFFSET starts (OFFSET itself after a newline)
    local from n
    [ "$2" -le 0 ] && { echo 0; return; }
    from=$(($2 > 65536 ? $2 - 65536 : 0))
    # The length of the last (partial) line of [from, OFFSET): what follows its last newline.
    # A NUL (a freed hole) ends a line as a newline does: what was freed was shipped.
    n=$({ dd if="$1" iflag=skip_bytes,count_bytes skip="$from" count=$(($2 - from)) status=none | tr '\000' '\n'; echo; } | tail -n 1 | wc -c)
    echo $(($2 - n + 1))
}

next_line_start() { # FILE OFFSET: the offset after the first newline at or after OFFSET
    local n
    n=$(dd if="$1" iflag=skip_bytes skip="$2" bs=64K count=1 status=none | head -n 1 | wc -c)
    echo $(($2 + n))
}

# Where to start a log at a (re)start, into START: the start of the line holding its checkpoint;
# past what retention freed; and never inside a hole. Cost independent of how much was ever freed.
resume_offset() { # INDEX INODE SIZE
    local i=$1 f=${logs[$1]} cur=$2 size=$3 p fr
    START=0
    read_record "$f.pos"
    read -r -a p <<<"$REC"
    read_record "$f.freed"
    read -r -a fr <<<"$REC"
    [ "${p[0]:-}" = "$cur" ] && START=${p[1]}
    freed[i]=0
    if [ "${fr[0]:-}" = "$cur" ]; then
        freed[i]=${fr[1]}
        # The checkpoint is lost or older than what was freed: resume where retention knew it was.
        if [ "${freed[i]}" -gt "$START" ]; then
            if [ -n "${fr[2]:-}" ]; then START=${fr[2]}; else START=$(next_line_start "$f" "${freed[i]}"); fi
        fi
    fi
    [ "$START" -gt "$size" ] && START=0 # truncated since the checkpoint
    if [ "$START" -lt "$size" ] && [ "$(byte_at "$f" "$START")" = nul ]; then
        START=$(first_data_byte "$START" "$size" "$f")
    elif [ "$START" -gt 0 ] && [ "$(byte_at "$f" $((START - 1)))" = other ]; then
        # The checkpoint may fall inside a line (up to 8 KiB before what was read): ship it whole.
        START=$(line_start "$f" "$START")
    fi
}

start_log() { # INDEX: open the log at its resume offset and start its tail
    local i=$1 f=${logs[$1]} cur size newfd
    read -r cur size < <(stat -c '%i %s' "$f" 2>/dev/null) || return 1
    resume_offset "$i" "$cur" "$size"
    exec {newfd}<"$f" || return 1
    fd[i]=$newfd
    # Position the descriptor (tail's input) at the start: dd seeks it and reads nothing.
    dd bs=1 skip="$START" count=0 status=none <&"$newfd"
    # --pid: a tail outlives no shipper (outside a container nothing else would end it).
    tail ---disable-inotify -s "$poll" --pid=$$ -c +1 -f <&"$newfd" >&"${out[i]}" 2>>"$state/$f.tail.err" &
    tail_pid[i]=$!
    ino[i]=$cur run_start[i]=$START saved[i]=$START last_pass[i]=$START
    read_record "$f.ages"
    ages[i]=$REC
}

stop_log() { # INDEX
    local i=$1
    [ -n "${tail_pid[i]:-}" ] && kill "${tail_pid[i]}" 2>/dev/null && wait "${tail_pid[i]}" 2>/dev/null
    [ -n "${fd[i]:-}" ] && eval "exec ${fd[i]}<&-"
    tail_pid[i]="" fd[i]="" ino[i]=""
}

# What is certainly on stdout, into SHIPPED: tail's read offset, less what it may have read and
# not yet written (nothing while it sleeps between polls, seen in /proc/<pid>/wchan; else at most
# BUFSIZ). A read offset that went back means tail found the log truncated and started it over.
shipped() { # INDEX
    local i=$1 k v pos=0 wchan=""
    while read -r k v; do [ "$k" = pos: ] && pos=$v && break; done <"/proc/self/fdinfo/${fd[i]}"
    read -r wchan <"/proc/${tail_pid[i]}/wchan" 2>/dev/null
    if [ "$pos" -lt "${saved[i]}" ]; then
        run_start[i]=0 freed[i]=0 last_pass[i]=0 ages[i]="" saved[i]=-1
        write_record "${logs[i]}.freed" "${ino[i]} 0 0"
    fi
    case $wchan in
        *nanosleep*) SHIPPED=$pos ;;
        *) SHIPPED=$((pos - bufsize > run_start[i] ? pos - bufsize : run_start[i])) ;;
    esac
}

read_pos() { # INDEX: how far tail has read the log, into READ
    local k v
    READ=${saved[$1]}
    while read -r k v; do [ "$k" = pos: ] && READ=$v && break; done <"/proc/self/fdinfo/${fd[$1]}"
}

checkpoint() { # INDEX
    local i=$1
    [ -n "${tail_pid[i]:-}" ] || return 0
    shipped "$i"
    [ "$SHIPPED" = "${saved[i]}" ] && return 0
    write_record "${logs[i]}.pos" "${ino[i]} $SHIPPED"
    saved[i]=$SHIPPED
}

cd "$dir" || exit 1
require_userland
# GNU tail follows the descriptor it is given (-f on standard input) and reads at most BUFSIZ ahead
# of what it wrote: the checkpoint is read off that descriptor. uutils' tail (Ubuntu 26.04's
# default) prints what is there and ends, and busybox's does not follow a descriptor either.
tail_version=$(tail --version 2>&1)
tail_version=${tail_version%%$'\n'*}
[[ $tail_version == *"GNU coreutils"* ]] ||
    userland_missing "GNU coreutils' tail, following its standard input (this image's: ${tail_version:-none})"
mkdir -p "$state" || exit 1
for f in "${logs[@]}"; do : >>"$state/$f.tail.err"; done
rm -f "$state/tick"
# `read -t` on a FIFO nobody writes: a wait that costs no process.
mkfifo "$state/tick" && exec 9<>"$state/tick" || exit 1
stop_all() {
    for i in "${!logs[@]}"; do
        checkpoint "$i"
        stop_log "$i"
    done
}

drain_pass() { # while draining: exit once every followed log is shipped to its end and quiet, or at the deadline
    local i size sizes="" left=() all=1
    for i in "${!logs[@]}"; do
        [ -n "${tail_pid[i]:-}" ] || continue
        read -r size < <(stat -c %s "${logs[i]}" 2>/dev/null) || continue
        shipped "$i"
        sizes+="$size "
        left+=("${logs[i]}" "$SHIPPED" "$size")
        [ "$SHIPPED" -ge "$size" ] || all=""
    done
    drain_settle stop_and_exit "$all" "$sizes" "${left[@]}"
}
stop_and_exit() {
    stop_all
    exit 0
}
trap begin_drain TERM INT

last_stat=0
while :; do
    for i in "${!logs[@]}"; do
        f=${logs[i]}
        if [ -z "${tail_pid[i]:-}" ]; then
            [ -e "$f" ] && start_log "$i"
        elif ! kill -0 "${tail_pid[i]}" 2>/dev/null; then
            say_once "tail-$f" "tail of $f ended ($(tail -n 1 "$state/$f.tail.err")); starting it again"
            checkpoint "$i"
            stop_log "$i"
        fi
    done
    # Every few seconds: a log re-created under the same name (another inode) is followed anew.
    if [ $((SECONDS - last_stat)) -ge 5 ]; then
        last_stat=$SECONDS
        while read -r name cur; do
            for i in "${!logs[@]}"; do
                if [ "${logs[i]}" = "$name" ] && [ -n "${ino[i]:-}" ] && [ "$cur" != "${ino[i]}" ]; then
                    checkpoint "$i"
                    stop_log "$i"
                fi
            done
        done < <(stat -c '%n %i' "${logs[@]}" 2>/dev/null)
    fi
    for i in "${!logs[@]}"; do checkpoint "$i"; done
    if [ "$keep" -gt 0 ]; then
        printf -v now '%(%s)T' -1
        for i in "${!logs[@]}"; do [ -n "${tail_pid[i]:-}" ] && read_pos "$i" && retain "$i" "$now" "$READ"; done
    fi
    [ -n "$draining" ] && drain_pass
    # Once a second; a trapped TERM interrupts the wait.
    read -rt 1 -u 9 _ || true
done
