#!/bin/bash
# The stream shipper: ships every line nginx appends to access.log and error.log to stdout once,
# in order per file, within a poll interval; resumes from a checkpoint after a restart; and, with
# retention, frees the oldest shipped bytes of each file so the volume stays within a bound.
#
#   stream.sh DIR MAX_BYTES MAX_AGE_SECONDS [POLL_SECONDS] [AGE_CHECKPOINT_SECONDS]
#
#   DIR              where nginx writes access.log and error.log (the shared emptyDir)
#   MAX_BYTES        allocated bytes the volume may use: 64 KiB for this script's state, the rest
#                    for the two logs, half each; 0: no retention
#   MAX_AGE_SECONDS  lines older than this are freed (retention only)
#
# The component renders this file into the sidecar's command (components/shippers.ts).
# Needs bash, coreutils (stat, dd, tr, head, wc, mv, mkdir, mkfifo) and, for retention,
# util-linux's fallocate; perl, when there, finds data past a hole in one step (lseek SEEK_DATA).
# A stock ubuntu or debian image has them all (busybox does not).
#
# State, in DIR/.shipper/ (on the shared volume, so it survives a restart of this container; each
# file replaced atomically with mv):
#   <log>.pos    "<inode> <offset>": every byte before <offset> is on stdout; a line boundary
#   <log>.freed  "<inode> <offset> <shipped>": retention freed (punched holes over) the bytes before
#                <offset>, when the checkpoint was <shipped> (where to resume if the .pos is lost)
#   <log>.ages   "<epoch>:<size>" words: the file's size at each age checkpoint, for MAX_AGE_SECONDS
#
# Why a poll loop and not `tail -F`: tail cannot say how much of what it read reached stdout, so a
# restarted tail starts over, re-shipping everything retained and reading every freed hole. Here a
# chunk is on stdout (dd has written it) before its end is recorded: after `kill -9` at most the
# lines of one checkpoint interval (a second) are shipped again; after a quiet poll, none.
set -u

dir=$1 max_bytes=$2 max_age=$3 poll=${4:-0.2} age_every=${5:-60}
state=$dir/.shipper
logs=(access.log error.log)
block=4096    # holes are punched in whole filesystem blocks
reserve=65536 # of MAX_BYTES, for the state files and block rounding
keep=$(((max_bytes - reserve) / 2))

# Per log (indexed like `logs`): inode; offset shipped; offset in the checkpoint; offset freed;
# size at the last retention pass; size at the last poll; whether its last chunk is yet to be
# checked for ending inside a line, whether it did, and for how many polls; its age checkpoints.
ino=() off=() saved=() freed=() last_pass=() seen=() unchecked=() partial=() waited=() ages=()
declare -A said=() size_of=() ino_of=()

say_once() { # KEY MESSAGE: a problem on stderr once, until clear_said KEY
    [ -n "${said[$1]:-}" ] && return
    said[$1]=1
    echo "stream-shipper: $2" >&2
}
clear_said() { unset "said[$1]"; }

write_state() { # FILE CONTENT: replace a state file atomically
    printf '%s\n' "$2" >"$1.tmp" && mv -f "$1.tmp" "$1"
}

read_fields() { # FILE -> its words on stdout, or nothing
    local w
    [ -f "$1" ] && read -r -a w <"$1" && echo "${w[*]}"
}

byte_at() { # FILE OFFSET -> nl, nul, none (past the end) or other
    local c
    c=$(dd if="$1" iflag=skip_bytes skip="$2" bs=1 count=1 status=none | tr '\n\000' '\001\002'; echo x)
    case $c in x) echo none ;; $'\001'x) echo nl ;; $'\002'x) echo nul ;; *) echo other ;; esac
}

binary_search_data() { # LO HI FILE [nul]: the first offset in [LO, HI) that is not a NUL (or, with
    # "nul", that is one), by halving: the bytes before it are all NULs (all data), the rest not.
    local lo=$1 hi=$2 mid want=${4:-data} b
    while [ "$lo" -lt "$hi" ]; do
        mid=$(((lo + hi) / 2))
        b=$(byte_at "$3" "$mid")
        if { [ "$b" = nul ] && [ "$want" = data ]; } || { [ "$b" != nul ] && [ "$want" = nul ]; }; then
            lo=$((mid + 1))
        else
            hi=$mid
        fi
    done
    echo "$lo"
}

seek() { # FILE OFFSET WHENCE: lseek(SEEK_DATA=3 or SEEK_HOLE=4) through perl (in every debian and ubuntu image)
    perl -e 'open(my $f, "<", $ARGV[0]) or exit 1; my $p = sysseek($f, $ARGV[1], $ARGV[2]); exit 1 unless defined $p; print $p + 0' "$@" 2>/dev/null
}

first_data_byte() { # LO HI FILE: the first offset in [LO, HI) that is not a NUL (not in a hole)
    local lo=$1 hi=$2 p end tries=0
    # SEEK_DATA finds the next block holding data in one step; the byte is then searched within
    # that block (its start may be zeros). Without perl, or when that fails, halving [LO, HI).
    while [ "$lo" -lt "$hi" ] && [ $((tries += 1)) -le 8 ]; do
        p=$(seek "$3" "$lo" 3)
        if [ -z "$p" ] || [ "$p" -lt "$lo" ] || [ "$p" -ge "$hi" ]; then break; fi
        end=$(((p / block + 1) * block))
        [ "$end" -gt "$hi" ] && end=$hi
        p=$(binary_search_data "$p" "$end" "$3")
        if [ "$p" -lt "$end" ]; then
            echo "$p"
            return
        fi
        lo=$end
    done
    binary_search_data "$lo" "$hi" "$3"
}

next_line_start() { # FILE OFFSET: the offset after the first newline at or after OFFSET
    local n
    n=$(dd if="$1" iflag=skip_bytes skip="$2" bs=64K count=1 status=none | head -n 1 | wc -c)
    echo $(($2 + n))
}

stat_logs() { # the inode and size of each log that exists, into ino_of and size_of
    local name i s
    ino_of=() size_of=()
    while read -r name i s; do ino_of[$name]=$i size_of[$name]=$s; done < <(stat -c '%n %i %s' "${logs[@]}" 2>/dev/null)
}

# Where to start a log at a (re)start: its checkpoint; past what retention freed (at the next
# line); and never inside a hole. Cost independent of how much was ever freed.
resume() { # INDEX
    local i=$1 f=${logs[$1]} size=${size_of[${logs[$1]}]} cur=${ino_of[${logs[$1]}]} start=0 p fr
    read -r -a p <<<"$(read_fields "$state/$f.pos")"
    read -r -a fr <<<"$(read_fields "$state/$f.freed")"
    [ "${p[0]:-}" = "$cur" ] && start=${p[1]}
    freed[i]=0
    if [ "${fr[0]:-}" = "$cur" ]; then
        freed[i]=${fr[1]}
        # The checkpoint is lost or older than what was freed: resume where retention knew it was.
        if [ "${freed[i]}" -gt "$start" ]; then
            if [ -n "${fr[2]:-}" ]; then start=${fr[2]}; else start=$(next_line_start "$f" "${freed[i]}"); fi
        fi
    fi
    [ "$start" -gt "$size" ] && start=0 # truncated since the checkpoint
    if [ "$start" -lt "$size" ] && [ "$(byte_at "$f" "$start")" = nul ]; then
        start=$(first_data_byte "$start" "$size" "$f")
    fi
    ino[i]=$cur off[i]=$start saved[i]=$start seen[i]=$size last_pass[i]=$size
    unchecked[i]=0 partial[i]=0 waited[i]=0
    ages[i]=$(cat "$state/$f.ages" 2>/dev/null)
}

# Whether a log's last chunk ended inside a line (a write in progress): checked once per chunk,
# and only when it matters -- before another log's lines would be written after it, and before a
# checkpoint -- so that quiet logs cost no process per poll.
mid_line() { # INDEX: true when the log's last shipped chunk ended inside a line
    local i=$1
    if [ "${unchecked[i]:-0}" = 1 ]; then
        unchecked[i]=0
        if [ "$(byte_at "${logs[i]}" $((off[i] - 1)))" = nl ]; then partial[i]=0; else partial[i]=1; fi
    fi
    [ "${partial[i]:-0}" = 1 ]
}

checkpoint() { # INDEX: record what is shipped, at a line boundary
    local i=$1
    [ -n "${ino[i]:-}" ] && [ "${off[i]}" != "${saved[i]}" ] || return 0
    mid_line "$i" && return 0 # keep the last boundary until the line is complete
    write_state "$state/${logs[i]}.pos" "${ino[i]} ${off[i]}" && saved[i]=${off[i]}
}

# Ships what was appended to one log since the last poll.
ship() { # INDEX
    local i=$1 f=${logs[$1]} cur=${ino_of[${logs[$1]}]:-} size=${size_of[${logs[$1]}]:-}
    [ -n "$cur" ] || return 0
    if [ "$cur" != "${ino[i]:-}" ]; then
        resume "$i" # nginx created the log, or it was re-created
    elif [ "$size" -lt "${seen[i]}" ]; then
        # Truncated (`: > access.log`): what follows starts at offset 0.
        off[i]=0 saved[i]=-1 freed[i]=0 last_pass[i]=0 ages[i]="" unchecked[i]=0 partial[i]=0 waited[i]=0
        write_state "$state/$f.freed" "$cur 0 0"
    fi
    seen[i]=$size
    [ "$size" -gt "${off[i]}" ] || return 0
    local end=$size hole
    if [ $((size - off[i])) -gt $((64 << 20)) ]; then
        # More than nginx writes in a poll: the file was extended with a hole. Ship up to the hole,
        # and skip it on the next poll, never shipping its NULs.
        hole=$(seek "$f" "${off[i]}" 4)
        if [ "$hole" = "${off[i]}" ]; then
            off[i]=$(first_data_byte "${off[i]}" "$size" "$f")
            return 0
        fi
        if [ -n "$hole" ] && [ "$hole" -lt "$size" ]; then
            # The hole starts at a block boundary; the data before it ends at the block's first NUL.
            local from=$((hole - block))
            [ "$from" -lt "${off[i]}" ] && from=${off[i]}
            end=$(binary_search_data "$from" "$hole" "$f" nul)
        fi
    fi
    if [ "$end" -le "${off[i]}" ]; then
        # Only NULs up to the hole: the data resumes past it.
        off[i]=$(first_data_byte "${off[i]}" "$size" "$f")
        return 0
    fi
    if ! dd if="$f" iflag=skip_bytes,count_bytes skip="${off[i]}" count=$((end - off[i])) bs=1M status=none; then
        say_once "read-$f" "cannot read $f from offset ${off[i]}; retrying every poll"
        return 0
    fi
    clear_said "read-$f"
    off[i]=$end unchecked[i]=1 partial[i]=0 waited[i]=0
}

# True when another log than INDEX ended its last chunk inside a line and may still complete it
# (for at most a second): INDEX's lines must not be written into that line.
blocked_by_other() { # INDEX
    local j
    for j in "${!logs[@]}"; do
        if [ "$j" != "$1" ] && [ -n "${ino[j]:-}" ] && [ "${off[j]}" -gt 0 ] && mid_line "$j" && [ "${waited[j]}" -le 5 ]; then
            return 0
        fi
    done
    return 1
}

# Frees the oldest bytes of one log, never past its checkpoint (what is on stdout): no unshipped
# line is lost. The file keeps at most `keep` allocated bytes plus one pass's growth.
retain() { # INDEX NOW
    local i=$1 now=$2 f=${logs[$1]} size=${seen[$1]} grow room target old=0 rest="" a newest
    grow=$((size - last_pass[i]))
    last_pass[i]=$size
    room=$((keep - grow))
    [ "$room" -lt 0 ] && room=0
    target=$((size - room))
    # maxAge: free what the file held max_age ago; note a checkpoint every age_every seconds.
    for a in ${ages[i]}; do
        if [ "${a%%:*}" -le $((now - max_age)) ]; then old=${a#*:}; else rest="$rest $a"; fi
    done
    newest=${rest##* }
    if [ -z "$newest" ] || [ $((now - ${newest%%:*})) -ge "$age_every" ]; then
        rest="$rest $now:$size"
        write_state "$state/$f.ages" "$rest"
    fi
    ages[i]=$rest
    [ "$old" -gt "$target" ] && target=$old
    if [ "$target" -gt "${saved[i]}" ]; then
        # The bound asks for more than is shipped: the bound yields, never a line.
        if [ $((size - saved[i])) -gt "$keep" ]; then
            say_once "stall-$f" "$f holds $((size - saved[i])) bytes not yet shipped, above its share of maxSize ($keep): nothing unshipped is freed until the shipper catches up"
        fi
        target=${saved[i]}
    else
        clear_said "stall-$f"
    fi
    target=$((target / block * block))
    [ "$target" -gt "${freed[i]}" ] || return 0
    # Record first, then punch: a restart never resumes inside a hole it does not know of.
    write_state "$state/$f.freed" "${ino[i]} $target ${saved[i]}"
    if fallocate --punch-hole --offset "${freed[i]}" --length $((target - freed[i])) "$f" 2>"$state/punch.err"; then
        freed[i]=$target
        clear_said "punch-$f"
    else
        say_once "punch-$f" "retention cannot free space in $f: $(cat "$state/punch.err")"
    fi
}

cd "$dir" || exit 1
mkdir -p "$state" || exit 1
rm -f "$state/tick"
# `read -t` on a FIFO nobody writes: a sleep without a process per poll.
mkfifo "$state/tick" && exec 9<>"$state/tick" || exit 1

checkpoint_all() { for i in "${!logs[@]}"; do checkpoint "$i"; done; }
trap 'checkpoint_all; exit 0' TERM INT

last_checkpoint=$SECONDS last_retention=$SECONDS
while :; do
    stat_logs
    before="${off[*]}"
    # A log whose last chunk ended inside a line goes first, so its line is completed unbroken.
    order=()
    for i in "${!logs[@]}"; do if [ "${partial[i]:-0}" = 1 ]; then order=("$i" "${order[@]}"); else order+=("$i"); fi; done
    for i in "${order[@]}"; do
        f=${logs[i]}
        # Nothing to do unless the log has unshipped bytes, shrank (truncated) or is another file.
        [ "${size_of[$f]:-0}" -gt "${off[i]:-0}" ] || [ "${size_of[$f]:-0}" != "${seen[i]:-}" ] ||
            [ "${ino_of[$f]:-}" != "${ino[i]:-}" ] || continue
        blocked_by_other "$i" && continue
        ship "$i"
    done
    for i in "${!logs[@]}"; do [ "${partial[i]:-0}" = 1 ] && waited[i]=$((waited[i] + 1)); done
    # Checkpoint once a second while lines flow, and at once after a poll that shipped nothing.
    if [ "${off[*]}" = "$before" ] || [ $((SECONDS - last_checkpoint)) -ge 1 ]; then
        checkpoint_all
        last_checkpoint=$SECONDS
    fi
    if [ "$max_bytes" -gt 0 ] && [ $((SECONDS - last_retention)) -ge 1 ]; then
        printf -v now '%(%s)T' -1
        for i in "${!logs[@]}"; do [ -n "${ino[i]:-}" ] && retain "$i" "$now"; done
        last_retention=$SECONDS
    fi
    read -rt "$poll" -u 9 _ || true
done
