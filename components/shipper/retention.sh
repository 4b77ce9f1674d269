#!/bin/bash
# Shared by both shippers of the sidecar (stream.sh, agent.sh), rendered ahead of either: state
# records that survive a kill, and retention -- freeing (punching holes over) the oldest bytes of
# each log behind what has left the pod, so the volume stays within a bound.
#
# The shipper sets, before calling these: me (its name in messages), state (its state directory),
# logs, keep (allocated bytes each log may keep; 0: no retention), block (holes are punched in whole
# blocks), min_punch (free in steps of at least this much, so that retention costs few processes),
# max_age, age_every, done_word and catch_up (how messages name what is safe to free), and per log
# (indexed like `logs`) ino, saved (every byte before it has left the pod), freed, last_pass and
# ages. Every size comes from the component (components/retention.ts computes the budget). For the
# drain on TERM: drain_seconds (the deadline) and quiet (passes in which no log may grow).
#
# State records: each is written to one of two slots in turn, as "<seq> <fields...> <seq>", so
# that a write cut short by a kill leaves the other slot valid: no record is ever lost or half-read.
#   <log>.freed  "<inode> <offset> <shipped>": retention freed the bytes before <offset>, when
#                what had left the pod reached <shipped>
#   <log>.ages   "<epoch>:<size>" words: the log's size at each age checkpoint, for max_age
declare -A said=() seq=()

# Stops at start, with one line, on an image that lacks what the scripts rely on: without it they
# would not fail at once but ship or free wrong. WHAT is what is missing.
userland_missing() { # WHAT
    echo "$me: cannot run on this image: it lacks $1; run the sidecar on an image with GNU coreutils and util-linux, such as ubuntu:24.04 or debian:12 (on Ubuntu 26.04, apt-get install coreutils-from-gnu)" >&2
    exit 1
}

require_userland() { # in DIR: coreutils' stat, and with retention util-linux's fallocate --punch-hole
    local out
    out=$(stat -c '%i %s' . 2>&1)
    [[ $out =~ ^[0-9]+\ [0-9]+$ ]] || userland_missing "coreutils' stat -c '%i %s' (it answered: ${out:-nothing})"
    if [ "$keep" -gt 0 ]; then
        out=$(fallocate --help 2>&1)
        [[ $out == *--punch-hole* ]] || userland_missing "util-linux's fallocate --punch-hole, which retention frees with"
    fi
}

say_once() { # KEY MESSAGE: a problem on stderr once, until clear_said KEY
    [ -n "${said[$1]:-}" ] && return
    said[$1]=1
    echo "$me: $2" >&2
}
clear_said() { unset "said[$1]"; }

write_record() { # NAME FIELDS...: write a state record to the next of its two slots
    local name=$1 s
    shift
    s=$((${seq[$name]:-0} + 1))
    seq[$name]=$s
    printf '%s %s %s\n' "$s" "$*" "$s" >"$state/$name.$((s % 2))"
}

read_record() { # NAME: the fields of its newest complete record into REC ("" when none), its seq noted
    local name=$1 slot words n best_seq=0
    REC=""
    for slot in 0 1; do
        [ -f "$state/$name.$slot" ] || continue
        read -r -a words <"$state/$name.$slot" || true
        n=${#words[@]}
        # A record cut short by a kill does not end with its sequence number: the other slot holds.
        if [ "$n" -ge 3 ] && [ "${words[0]}" = "${words[n - 1]}" ] && [[ ${words[0]} =~ ^[0-9]+$ ]] &&
            [ "${words[0]}" -gt "$best_seq" ]; then
            best_seq=${words[0]}
            REC="${words[*]:1:n-2}"
        fi
    done
    seq[$name]=$best_seq
}


# Frees the oldest bytes of one log, never past saved[INDEX] (what is shipped, or delivered): no
# line that is not is lost. The file keeps at most `keep` allocated bytes plus one pass's growth.
# READ is how far the log has been read (its size, as far as the shipper knows).
retain() { # INDEX NOW READ
    local i=$1 now=$2 f=${logs[$1]} size=$3 grow room target old=0 rest="" a newest
    grow=$((size - last_pass[i]))
    [ "$grow" -lt 0 ] && grow=0
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
        write_record "$f.ages" "$rest"
    fi
    ages[i]=$rest
    [ "$old" -gt "$target" ] && target=$old
    if [ "$target" -gt "${saved[i]}" ]; then
        # The bound asks for more than is shipped: the bound yields, never a line.
        if [ $((size - saved[i])) -gt "$keep" ]; then
            say_once "stall-$f" "$f holds $((size - saved[i])) bytes not yet $done_word, above its share of maxSize ($keep): nothing undelivered is freed until $catch_up"
        fi
        target=${saved[i]}
    else
        clear_said "stall-$f"
    fi
    target=$((target / block * block))
    [ "$target" -gt "${freed[i]}" ] || return 0
    # Punch in steps of min_punch (a process each), unless the bound or maxAge needs it now.
    if [ $((target - freed[i])) -lt "$min_punch" ] && [ $((size - freed[i])) -le "$keep" ] && [ "$old" -le "${freed[i]}" ]; then
        return 0
    fi
    # Record first, then punch: a restart never resumes inside a hole it does not know of.
    write_record "$f.freed" "${ino[i]} $target ${saved[i]}"
    if fallocate --punch-hole --offset "${freed[i]}" --length $((target - freed[i])) "$f" 2>"$state/punch.err"; then
        freed[i]=$target
        clear_said "punch-$f"
    else
        say_once "punch-$f" "retention cannot free space in $f: $(<"$state/punch.err")"
    fi
}

# Drain on termination, both shippers: on TERM the shipper ships (delivers) to the end of both logs
# and exits once neither grew for `quiet` passes, or at the deadline, `drain_seconds` after the TERM
# (or after the Pod's stop began, below), saying what it leaves behind (the shipper sets
# left_qualifier, left_word and left_note for that).
# With a classic sidecar the kubelet runs the sidecar's preStop hook first (prestop.sh): it writes
# when the Pod's stop began to $state/stop-began and holds the TERM back until nginx has exited. The
# grace period runs from there, so the deadline does too; a stamp older than this process (a
# previous container's) is not this stop's.
draining="" drain_until="" drain_quiet=0 drain_sizes="" drain_from=TERM term_at=0 term_epoch=0
printf -v started_at '%(%s)T' -1
begin_drain() { # the TERM trap: from now on, ship to the end, until the deadline
    # Notes the time and says so, nothing more: a `read` here would break the `read` the TERM
    # interrupted (bash shares its buffer), so the first drain pass sets the deadline (drain_deadline).
    [ -n "$draining" ] && return
    draining=1 term_at=$SECONDS
    printf -v term_epoch '%(%s)T' -1
    echo "$me: TERM: shipping to the end of both logs before exiting" >&2
}

drain_deadline() { # the deadline, from the TERM or from when the Pod's stop began, said on stderr
    local began="" waited=0 since=""
    { read -r began <"$state/stop-began"; } 2>/dev/null
    if [[ $began =~ ^[0-9]+$ ]] && [ "$began" -ge "$started_at" ] && [ "$began" -le "$term_epoch" ]; then
        waited=$((term_epoch - began)) drain_from="the Pod's stop began" since=" (the Pod's stop began ${waited}s before it)"
    fi
    drain_until=$((term_at + drain_seconds - waited))
    echo "$me: the drain's deadline: $((drain_seconds - waited))s after the TERM$since" >&2
}

quiet_since_last() { # SIZES: whether the logs' sizes are the last pass's, for `quiet` passes in a row
    if [ "$1" = "$drain_sizes" ]; then drain_quiet=$((drain_quiet + 1)); else drain_quiet=0 drain_sizes=$1; fi
    [ "$drain_quiet" -ge "$quiet" ]
}

drain_settle() { # STOP ALL SIZES LOG OFFSET SIZE...: after a drain pass, STOP (it exits) once ALL logs
    # are done and quiet, or at the deadline, saying first what is left of each LOG past its OFFSET
    local stop=$1 all=$2 sizes=$3
    shift 3
    [ -n "$drain_until" ] || drain_deadline
    if [ -n "$all" ] && quiet_since_last "$sizes"; then "$stop"; fi
    [ -n "$all" ] || drain_quiet=0 drain_sizes=""
    [ "$SECONDS" -ge "$drain_until" ] || return 0
    left_behind "$@"
    "$stop"
}

left_behind() { # LOG OFFSET SIZE...: what is left of each log past OFFSET, on stderr and as the termination message
    local msg="" f off size lines
    while [ $# -ge 3 ]; do
        f=$1 off=$2 size=$3
        shift 3
        [ "$size" -gt "$off" ] || continue
        lines=$(tail -c +"$((off + 1))" "$f" | wc -l)
        msg+="$me: terminating at the drain deadline (${drain_seconds}s after $drain_from) with $left_qualifier$lines lines ($((size - off)) bytes) of $f not $left_word$left_note"$'\n'
    done
    [ -n "$msg" ] || return 0
    printf '%s' "$msg" >&2
    # The kubelet shows this file as the container's termination message (kubectl describe pod).
    printf '%s' "$msg" 2>/dev/null >"${TERMINATION_LOG:-/dev/termination-log}" || true
}
