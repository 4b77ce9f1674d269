#!/bin/bash
# The log agent's sidecar: runs rsyslogd with the config the component generates (a ConfigMap,
# components/agentConf.ts), which follows access.log and error.log (imfile, its read positions
# recorded in DIR/.agent/) and delivers every line to the destination (RELP: acknowledged by the
# receiver). With retention, this script frees the oldest bytes of each log -- only bytes the
# agent has delivered -- so the volume stays within a bound.
#
#   agent.sh DIR CONF KEEP_BYTES MAX_AGE_SECONDS AGE_CHECKPOINT_SECONDS BLOCK_BYTES MIN_PUNCH_BYTES HEAD_BYTES STALL_SECONDS DRAIN_SECONDS QUIET_PASSES VOLUME_LIMIT_BYTES METRICS_EVERY OVERFLOW_BYTES REJECTED_KEEP_BYTES
#
#   DIR              where nginx writes access.log and error.log (the shared emptyDir)
#   CONF             rsyslog.conf (its workDirectory is DIR/.agent/)
#   KEEP_BYTES       allocated bytes each log keeps beyond what is not yet delivered: its share of
#                    retention.maxSize (components/retention.ts); 0: no retention
#   MAX_AGE_SECONDS  lines older than this are freed (retention only)
#   AGE_CHECKPOINT_SECONDS, BLOCK_BYTES, MIN_PUNCH_BYTES  as for the stream shipper
#   HEAD_BYTES       each log's first bytes, never freed (imfile's hash of them names the file)
#   STALL_SECONDS    a log that grew but had nothing delivered for this long is reported, once
#   DRAIN_SECONDS    on TERM, deliver to the end of both logs for at most this long (retention.sh)
#   QUIET_PASSES     ... and until neither log grew for this many passes (a second each)
#   VOLUME_LIMIT_BYTES  the shared volume's sizeLimit (0: none), beside what it holds in the metrics
#   METRICS_EVERY    seconds between two writes of DIR/.shipper/metrics.prom (write_metrics)
#   OVERFLOW_BYTES   the volume's hard bound, below VOLUME_LIMIT_BYTES: past it the oldest undelivered
#                    lines are dropped, counted and said (overflow_check); 0: none
#   REJECTED_KEEP_BYTES  the rejected-documents file keeps its newest this many bytes; what is
#                    older, once said on stderr, is freed (report_rejected)
#
# The component renders retention.sh and this file into the sidecar's command
# (components/shippers.ts). Needs bash, coreutils, util-linux's fallocate (retention), rsyslogd
# with imfile and omrelp, and for RELP with TLS openssl (the rsyslog/rsyslog-collector image has
# them all).
#
# What is delivered, without reading the agent's memory: the agent has no queue, so imfile hands a
# batch on only once the action has sent it, and records its offset (curr_offs in its state file
# imfile-state:<inode>[:<hash>]) after that. Every byte before that offset has left the pod. While
# the receiver is down the offset does not move: nothing more is freed, and the bound yields
# instead of a line. rsyslogd's end ends this script, so Kubernetes restarts the container.
# Each pass also keeps a copy of imfile's offsets (DIR/.shipper/<log>.delivered): rsyslogd rewrites
# its state file in place, a kill can leave it empty, and repair_state puts the copy back before
# rsyslogd starts again, so a restart resends at most about a second of lines, not the whole log.
set -u

dir=$1 conf=$2 keep=$3 max_age=$4 age_every=$5 block=$6 min_punch=$7 head=$8 stall=$9 drain_seconds=${10} quiet=${11}
volume_limit=${12} metrics_every=${13} overflow=${14} rejected_keep=${15}
state=$dir/.shipper
agent_dir=$dir/.agent
logs=(access.log error.log)
me=log-agent done_word=delivered catch_up="the destination takes it"
# What the drain leaves is counted from imfile's position: lines never sent. Over RELP the lines
# sent but not yet acknowledged (the window) are past it too (left_note, from the config).
left_qualifier="" left_word=sent left_note=""
# imfile tells a file from a rotated one by a hash of its first bytes: the first `head` bytes of
# each log are never freed (components/retention.ts counts them, and the agent's state files, out
# of retention.maxSize before each log's share, `keep`).

# Per log: inode, delivered offset, freed offset, offset at the last pass, age checkpoints; when
# its delivery last moved (or it was last caught up), and whether a stall was reported.
ino=() saved=() freed=() last_pass=() ages=() backed=() moved=() told=() dlv=()
# Each pass's inode and size of both logs and of the errorfile, by name ("INODE SIZE"; none for a
# file that is not there), and the bytes each takes in the volume (ALLOC): one stat for all, since
# a fork costs more than the rest of an idle pass.
declare -A STAT=() ALLOC=()
rejected=""

stat_all() {
    local in sz blocks unit name
    STAT=() ALLOC=()
    while read -r in sz blocks unit name; do
        [ -n "$name" ] || continue
        STAT[$name]="$in $sz" ALLOC[$name]=$((blocks * unit))
    done <<<"$(stat -c '%i %s %b %B %n' -- "${logs[@]}" ${rejected:+"$rejected"} 2>/dev/null)"
}

follow() { # INDEX: the log's inode now; a new one (rotated, re-created) starts its retention afresh
    local i=$1 f=${logs[$1]} cur fr
    [ -n "${STAT[$f]:-}" ] || return 1
    cur=${STAT[$f]%% *}
    [ "$cur" = "${ino[i]:-}" ] && return 0
    saved[i]=0 freed[i]=$head last_pass[i]=0
    read_record "$f.freed"
    read -r -a fr <<<"$REC"
    if [ "${fr[0]:-}" = "$cur" ]; then
        freed[i]=${fr[1]} saved[i]=${fr[2]:-${fr[1]}}
    fi
    if [ -z "${ino[i]:-}" ]; then
        read_record "$f.ages"
        ages[i]=$REC
    else
        ages[i]=""
    fi
    ino[i]=$cur
}

watch_stall() { # INDEX NOW DELIVERED: say once when a growing log has had nothing delivered for `stall` s
    local i=$1 size
    [ -n "${STAT[${logs[i]}]:-}" ] || return 0
    size=${STAT[${logs[i]}]#* }
    if [ "$3" -ge "$size" ] || [ "$3" != "${last_seen[i]:-}" ]; then
        [ -n "${told[i]:-}" ] && echo "$me: ${logs[i]}: delivering again" >&2
        moved[i]=$2 told[i]="" last_seen[i]=$3
        return 0
    fi
    [ -z "${told[i]:-}" ] && [ $(($2 - ${moved[i]:-$2})) -ge "$stall" ] || return 0
    told[i]=1
    echo "$me: ${logs[i]}: nothing delivered for ${stall}s while it grew (position $3 of $size bytes): the destination is down, or refuses the connection${AGENT_TLS_DIR:+ or its certificate (is it signed by tls.ca, and does it name the host of the address?)}; the lines wait in the log" >&2
}

rejected_freed=0
report_rejected() { # what the service refused inside an accepted bulk request (rsyslog's errorfile): said, never silent
    local size n target
    [ -n "$rejected" ] && [ -n "${STAT[$rejected]:-}" ] || return 0
    size=${STAT[$rejected]#* }
    [ "$size" -gt "$rejected_seen" ] || return 0
    # A record a line, one per rejected request (a document, with the bulk API's one line a request).
    n=$(tail -c +"$((rejected_seen + 1))" "$rejected" | head -c "$((size - rejected_seen))" | wc -l)
    echo "$me: the destination rejected documents (not sent again: they would be rejected again): $n more; the newest $rejected_keep bytes of them are kept in $rejected, the first 4096 bytes of these below:" >&2
    tail -c +"$((rejected_seen + 1))" "$rejected" | head -c 4096 >&2
    echo >&2
    rejected_seen=$size
    # Held to its newest rejected_keep bytes: what is older was said, and is freed (a hole).
    target=$(((size - rejected_keep) / block * block))
    [ "$rejected_keep" -gt 0 ] && [ "$target" -gt "$rejected_freed" ] || return 0
    if fallocate --punch-hole --offset "$rejected_freed" --length $((target - rejected_freed)) "$rejected" 2>/dev/null; then
        rejected_freed=$target
    fi
}

delivered() { # INDEX: how far the agent has delivered the log (imfile's curr_offs), into OFFS ("" if unknown)
    local st line
    OFFS=""
    for st in "$agent_dir/imfile-state:${ino[$1]}" "$agent_dir/imfile-state:${ino[$1]}:"*; do
        [ -f "$st" ] || continue
        read -r line <"$st" || true
        [[ $line =~ \"curr_offs\":\ *\"?([0-9]+) ]] && OFFS=${BASH_REMATCH[1]}
    done
    [ -n "$OFFS" ]
}

write_state() { # FILE LOG OFFSET: an imfile state file, in rsyslog's own format, at OFFSET
    printf '{ "filename": "%s", "prev_was_nl": 1, "curr_offs": %s, "strt_offs": %s }\n' "$dir/$2" "$3" "$3" >"$1"
}

set_position() { # INDEX OFFSET: imfile resumes the log at OFFSET (every state file of its inode; one made if none)
    local i=$1 st found=""
    for st in "$agent_dir/imfile-state:${ino[i]}" "$agent_dir/imfile-state:${ino[i]}:"*; do
        [ -f "$st" ] || continue
        found=1
        write_state "$st" "${logs[i]}" "$2"
    done
    [ -n "$found" ] || write_state "$agent_dir/imfile-state:${ino[i]}" "${logs[i]}" "$2"
}

repair_state() { # INDEX: restore imfile's position of the log if a kill left its state file empty
    local i=$1 f=${logs[$1]} cur st line rec found=""
    cur=$(stat -c %i "$f" 2>/dev/null) || return 0
    read_record "$f.delivered"
    read -r -a rec <<<"$REC"
    [ "${rec[0]:-}" = "$cur" ] || return 0
    for st in "$agent_dir/imfile-state:$cur" "$agent_dir/imfile-state:$cur:"*; do
        [ -f "$st" ] || continue
        found=1
        line=""
        read -r line <"$st" || true
        [[ $line == *curr_offs* ]] && continue
        write_state "$st" "$f" "${rec[1]}"
        echo "$me: $f: imfile's state file was cut short; resuming at the last recorded position, ${rec[1]}" >&2
    done
    [ -n "$found" ] && return 0
    write_state "$agent_dir/imfile-state:$cur" "$f" "${rec[1]}"
    echo "$me: $f: imfile's state file is missing; resuming at the last recorded position, ${rec[1]}" >&2
}

rewind_first_record() { # INDEX: the line imfile may have recorded before sending it, sent again
    # imfile records its position once, out of turn, when a log first reaches the 512 bytes its
    # file id hashes (FILE_ID_SIZE in rsyslog's imfile.c): right after reading the line that crosses
    # byte 512 and *before* handing it on. A kill -9 between the two would skip that line on
    # restart. So a position at that line's end is taken back to its start: at worst it is
    # delivered twice. Only where the line lies in the first `head` bytes, which are never freed.
    local i=$1 f=${logs[$1]} cur st line pre rest start end LC_ALL=C # lengths in bytes
    cur=$(stat -c %i "$f" 2>/dev/null) || return 0
    pre=$(head -c 511 "$f"; printf x) pre=${pre%x}
    [ "${#pre}" -eq 511 ] || return 0
    # (up to byte `head` only: past it retention may have punched holes, which read as NUL bytes)
    rest=$(tail -c +512 "$f" | head -c "$((head - 511))"; printf x) rest=${rest%x}
    [[ $rest == *$'\n'* ]] || return 0
    start=0
    if [[ $pre == *$'\n'* ]]; then
        pre=${pre%$'\n'*}
        start=$((${#pre} + 1))
    fi
    rest=${rest%%$'\n'*}
    end=$((512 + ${#rest}))
    [ "$end" -le "$head" ] || return 0
    for st in "$agent_dir/imfile-state:$cur" "$agent_dir/imfile-state:$cur:"*; do
        [ -f "$st" ] || continue
        line=""
        read -r line <"$st" || true
        if ! [[ $line =~ \"curr_offs\":\ *\"?([0-9]+) ]] || [ "${BASH_REMATCH[1]}" != "$end" ]; then
            continue
        fi
        write_state "$st" "$f" "$start"
        echo "$me: $f: resuming at $start, the start of the line imfile recorded before sending it (it may arrive twice)" >&2
    done
}

curl_quoted() { # TEXT: TEXT as the inside of a double-quoted value of curl's config file
    local s=${1//\\/\\\\}
    s=${s//\"/\\\"} s=${s//$'\n'/\\n} s=${s//$'\r'/\\r} s=${s//$'\t'/\\t}
    printf '%s' "$s"
}

http_status() { # URL: the HTTP status of an empty POST to URL with the agent's credentials ("" if no answer)
    local rest=${1#*://} hostport path auth="" req tls=() out
    if command -v curl >/dev/null; then
        # curl where the image has it (https too), with the TLS material rsyslog uses.
        [ -f "${AGENT_TLS_DIR:-/nonexistent}/ca.crt" ] && tls+=(--cacert "$AGENT_TLS_DIR/ca.crt")
        [ -f "${AGENT_TLS_DIR:-/nonexistent}/client.crt" ] && tls+=(--cert "$AGENT_TLS_DIR/client.crt" --key "$AGENT_TLS_DIR/client.key")
        [ "${AGENT_TLS_VERIFY:-}" = off ] && tls+=(--insecure)
        # The credentials reach curl through its config on stdin (-K -), never its argv: `ps` shows
        # every process's argv to every user. printf is bash's own: no process of its own either.
        local cfg=""
        [ -n "${ES_USERNAME:-}" ] && cfg=$(printf 'user = "%s"' "$(curl_quoted "$ES_USERNAME:${ES_PASSWORD:-}")")
        out=$(printf '%s\n' "$cfg" | curl -K - -sS -o /dev/null -w '%{http_code}' --max-time 10 -X POST \
            -H 'Content-Type: application/x-ndjson' --data-binary '' "${tls[@]}" "$1" 2>&1)
        # curl's first line says why (a refused connection, a certificate it does not trust, ...).
        [ "${out: -3}" = 000 ] && { WHY=${out%000} && WHY=${WHY%%$'\n'*}; return 0; }
        printf '%s' "${out: -3}"
        return 0
    fi
    [ "${1%%://*}" = http ] || { printf skip; return 0; }
    hostport=${rest%%/*} path=/${rest#*/}
    [ "$path" = "/$rest" ] && path=/
    if [ -n "${ES_USERNAME:-}" ]; then
        auth="Authorization: Basic $(printf '%s:%s' "$ES_USERNAME" "${ES_PASSWORD:-}" | base64 -w 0)"$'\r\n'
    fi
    req="POST $path HTTP/1.0"$'\r\n'"Host: $hostport"$'\r\n'"Content-Type: application/x-ndjson"$'\r\n'"Content-Length: 0"$'\r\n'"$auth"$'\r\n'
    # bash's /dev/tcp: no curl needed for http; bounded, an address that drops packets included.
    # The request (its Authorization header) goes in the environment, as ES_PASSWORD already is, not argv.
    local probe="exec 3<>\"/dev/tcp/\$0/\$1\" || exit 1; printf %s \"\$AGENT_PROBE_REQUEST\" >&3; read -r _ code _ <&3; printf %s \"\$code\""
    AGENT_PROBE_REQUEST=$req timeout 10 bash -c "$probe" "${hostport%:*}" "${hostport##*:}" 2>/dev/null
}

preflight() { # with the bulk API: the service must take the credentials before a line is read
    [ -n "${BULK_CHECK_URL:-}" ] || return 0
    local code
    while :; do
        WHY=""
        code=$(http_status "$BULK_CHECK_URL"; printf '|%s' "$WHY")
        WHY=${code#*|} code=${code%%|*}
        case $code in
            skip)
                echo "$me: no curl in this image to check https before starting: the credentials are checked by the first batch" >&2
                return 0
                ;;
            401 | 403)
                # Exit: Kubernetes starts the container again with the Secret's current values.
                echo "$me: the destination refused the credentials (HTTP $code) at ${BULK_CHECK_URL%%\?*}: fix the Secret named in destination.elasticsearch.auth; nothing is read until it takes them" >&2
                exit 1
                ;;
            "" | 5??) echo "$me: the destination at ${BULK_CHECK_URL%%\?*} is not ready (${code:+HTTP }${code:-${WHY:-no answer}}); nothing is read until it is, retrying in 5 s" >&2 ;;
            *) return 0 ;;
        esac
        heartbeat
        sleep 5
    done
}

conf_value() { # PARAM: the first value of PARAM="..." in the config, into VAL (1 when absent)
    VAL=$(grep -o "$1=\"[^\"]*\"" "$conf" | head -n 1) || return 1
    VAL=${VAL#*=\"} VAL=${VAL%\"}
    [ -n "$VAL" ]
}

require_openssl() { # WHAT: RELP with TLS needs the openssl CLI for WHAT; stop, saying so, without it
    command -v openssl >/dev/null && return 0
    echo "$me: RELP with TLS needs openssl in the image $1; nothing is read" >&2
    exit 1
}

throwaway_cert() { # RELP with TLS and no client certificate given: make the one the config names in .agent/
    local crt key
    conf_value tls.myCert && [[ $VAL == "$agent_dir/"* ]] && crt=$VAL || return 0
    conf_value tls.myPrivKey && key=$VAL || return 0
    # librelp (up to 1.13) checks the receiver's certificate only when the agent has one of its own;
    # this one is new at each start, trusted by nobody, and only in this pod's volume.
    require_openssl "for the agent's throwaway client certificate (or give destination.syslog.tls.clientCertSecret)"
    rm -f "$crt" "$key"
    if ! (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
        -subj "/CN=webserver-log-agent" -keyout "$key" -out "$crt") >/dev/null 2>"$state/openssl-err"; then
        cat "$state/openssl-err" >&2
        echo "$me: could not make the throwaway client certificate (above); nothing is read" >&2
        exit 1
    fi
    rm -f "$state/openssl-err"
}

relp_tls_preflight() { # RELP with TLS: the receiver's certificate must verify before a line is read
    local host port ca tls=() out code why last_why=""
    conf_value tls.authMode || return 0
    require_openssl "to check the receiver before reading"
    conf_value target && host=$VAL
    conf_value port && port=$VAL
    conf_value tls.caCert && ca=$VAL
    conf_value tls.myCert && tls+=(-cert "$VAL")
    conf_value tls.myPrivKey && tls+=(-key "$VAL")
    # librelp hands the first lines to its window before the handshake it waits on is refused; a
    # restart then would lose them. openssl checks as librelp does: the chain against tls.ca, the name.
    while :; do
        out=$(timeout 10 openssl s_client -connect "$host:$port" -servername "$host" -CAfile "$ca" "${tls[@]}" \
            -verify_return_error -verify_hostname "$host" -brief </dev/null 2>&1)
        code=$?
        [ "$code" -eq 0 ] && { [ -z "$last_why" ] || echo "$me: the receiver's certificate at $host:$port verifies: reading" >&2; return 0; }
        why=$(grep -m 1 -E "verify error|errno|refused|Connection|error" <<<"$out")
        if [ "$why" != "$last_why" ]; then
            echo "$me: the receiver at $host:$port is not verified (${why:-no answer}): its certificate must be signed by tls.ca and name $host; nothing is read until it is, retrying every 5 s" >&2
            last_why=$why
        fi
        heartbeat
        sleep 5
    done
}

tls_stamp() { # the mounted TLS material's inodes, sizes and times (the kubelet replaces a changed file), into TLS_STAMP
    TLS_STAMP=""
    [ -n "${AGENT_TLS_DIR:-}" ] || return 0
    TLS_STAMP=$(stat -L -c '%i %s %Y %n' -- "$AGENT_TLS_DIR"/* 2>/dev/null)
}

stop_rsyslogd() { # TERM rsyslogd and wait for it; never let it record a position past a line it did not deliver
    local i pre=()
    for i in "${!logs[@]}"; do
        OFFS=""
        [ -n "${ino[i]:-}" ] && delivered "$i"
        pre[i]=$OFFS
    done
    kill -TERM "$agent" 2>/dev/null
    # (a TERM of our own, trapped, ends a wait early: rsyslogd must have exited before its state is read)
    while kill -0 "$agent" 2>/dev/null; do wait "$agent"; done
    # As it exits, rsyslogd records imfile's position past the line its output holds for a retry
    # (the destination down), and drops that line: a restart would skip it. So a position that
    # moved at the stop is taken back to the one recorded before it (at most recordEveryLines
    # lines back: those are delivered again).
    for i in "${!logs[@]}"; do
        if [ -z "${pre[i]}" ] || ! delivered "$i" || [ "$OFFS" -le "${pre[i]}" ]; then continue; fi
        set_position "$i" "${pre[i]}"
    done
}

start_rsyslogd() {
    # rsyslogd rewrites a state file in place (truncate, then write): a kill -9 between the two, seen
    # under a CPU limit, leaves it empty, and imfile would read the log again from its start.
    for i in "${!logs[@]}"; do
        repair_state "$i"
        rewind_first_record "$i"
    done
    tls_stamp
    rsyslogd -n -iNONE -f "$conf" &
    agent=$!
}


# Delivery you can watch: every metrics_every seconds the figures below, in Prometheus' text format,
# in $state/metrics.prom -- written aside and renamed, so a reader never sees half of it -- which
# nginx serves on the metrics port (components/nginxConf.ts, docs/delivery.md). The file's age is
# the sidecar's liveness (components/manifest.ts): it is written while the destination is down and
# while the preflight waits, so an outage never restarts the agent; a stuck script does.

epoch_of() { # YEAR MONTH DAY HOUR MINUTE SECOND (UTC): seconds since 1970, into EPOCH, without a fork
    local y=$((10#$1)) m=$((10#$2)) d=$((10#$3)) era yoe doy doe
    [ "$m" -le 2 ] && y=$((y - 1))
    era=$((y / 400)) yoe=$((y % 400))
    doy=$(((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1))
    doe=$((yoe * 365 + yoe / 4 - yoe / 100 + doy))
    EPOCH=$(((era * 146097 + doe - 719468) * 86400 + 10#$4 * 3600 + 10#$5 * 60 + 10#$6))
}

line_time() { # LINE: when nginx wrote it, from its own time, into EPOCH and its text into WHEN (both "" if it has none)
    local iso='"@timestamp":"(([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})([+-])([0-9]{2}):([0-9]{2}))"'
    local err='^(([0-9]{4})/([0-9]{2})/([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})) '
    EPOCH="" WHEN=""
    if [[ $1 =~ $iso ]]; then # the JSON access log's $time_iso8601, with nginx's UTC offset
        WHEN=${BASH_REMATCH[1]}
        epoch_of "${BASH_REMATCH[@]:2:6}"
        EPOCH=$((EPOCH - ${BASH_REMATCH[8]}1 * (10#${BASH_REMATCH[9]} * 3600 + 10#${BASH_REMATCH[10]} * 60)))
    elif [[ $1 =~ $err ]]; then # the error log's time (nginx's, UTC in its image)
        WHEN=${BASH_REMATCH[1]}
        epoch_of "${BASH_REMATCH[@]:2:6}"
    fi
}

chunk() { # FILE OFFSET LENGTH: LENGTH bytes of FILE from OFFSET into CHUNK, trailing newlines kept
    CHUNK=$(tail -c +"$(($2 + 1))" -- "$1" 2>/dev/null | head -c "$3"; printf x)
    CHUNK=${CHUNK%x}
}

line_age() { # INDEX OFFSET NOW: seconds since nginx wrote the line at OFFSET, from its own time, into AGE ("" if it has none)
    AGE=""
    chunk "${logs[$1]}" "$2" 1024
    line_time "${CHUNK%%$'\n'*}"
    [ -n "$EPOCH" ] || return 0
    AGE=$(($3 - EPOCH))
    [ "$AGE" -ge 0 ] || AGE=0
}

# The volume's hard bound (OVERFLOW_BYTES, components/retention.ts): below logVolume.sizeLimit, so
# the kubelet never evicts the Pod -- deleting every line in its volume -- for the logs. Past it,
# which only a destination away for longer than the volume holds can bring (retention has freed
# every delivered byte by then), the oldest undelivered lines of the log with the larger backlog
# are dropped: enough to bring the volume a tenth of the bound below it, whole lines, counted in
# <log>.dropped ("<inode> <position> <lines so far> <bytes so far>", for the metrics) before
# anything changes, and said -- on stderr, and in a gap record appended to error.log, which is
# delivered in turn once the destination is back. rsyslogd is stopped meanwhile (it records its
# position and lets go of the log) and started again at the first line kept.
dropped_lines=() dropped_bytes=()
volume_used() { # the bytes both logs and the rejected documents take, from this pass's stat, into USED
    local f
    USED=0
    for f in "${logs[@]}" ${rejected:+"$rejected"}; do USED=$((USED + ${ALLOC[$f]:-0})); done
}

overflow_check() { # while the volume holds more than the bound
    local i worst="" most=0 backlog
    volume_used
    [ "$USED" -gt "$overflow" ] || return 0
    # Sized again: retention may have freed delivered bytes in this pass.
    stat_all
    volume_used
    [ "$USED" -gt "$overflow" ] || return 0
    for i in "${!logs[@]}"; do
        if [ -z "${STAT[${logs[i]}]:-}" ] || [ -z "${dlv[i]:-}" ]; then continue; fi
        backlog=$((${STAT[${logs[i]}]#* } - dlv[i]))
        # Only what the bound already yielded to: undelivered bytes beyond the log's share.
        [ "$backlog" -gt "$keep" ] && [ "$backlog" -gt "$most" ] && most=$backlog worst=$i
    done
    [ -n "$worst" ] || return 0
    drop_oldest "$worst" $((USED - overflow + overflow / 10))
}

drop_oldest() { # INDEX BYTES: drop at least BYTES of the log's oldest undelivered lines (whole lines)
    local i=$1 f=${logs[$1]} size from to lines first last gap LC_ALL=C # lengths in bytes
    stop_rsyslogd
    stat_all
    size=${STAT[$f]#* }
    delivered "$i" || OFFS=${dlv[i]}
    from=$OFFS to=$((OFFS + $2))
    [ "$to" -lt "$size" ] || to=$size
    # On to the end of the line `to` falls in; never into a line nginx has not finished writing.
    chunk "$f" "$to" 65536
    if [[ $CHUNK == *$'\n'* ]]; then
        CHUNK=${CHUNK%%$'\n'*} to=$((to + ${#CHUNK} + 1))
    else
        chunk "$f" "$((to > from + 65536 ? to - 65536 : from))" "$((to > from + 65536 ? 65536 : to - from))"
        if [[ $CHUNK == *$'\n'* ]]; then CHUNK=${CHUNK##*$'\n'} to=$((to - ${#CHUNK})); else to=$from; fi
    fi
    lines=0
    [ "$to" -gt "$from" ] && lines=$(tail -c +"$((from + 1))" -- "$f" | head -c "$((to - from))" | wc -l)
    if [ "$lines" -eq 0 ]; then
        start_rsyslogd
        return 0
    fi
    chunk "$f" "$from" 1024
    line_time "${CHUNK%%$'\n'*}"
    first=${WHEN:-?}
    chunk "$f" "$((to - from > 4096 ? to - 4096 : from))" "$((to - from > 4096 ? 4096 : to - from))"
    CHUNK=${CHUNK%$'\n'}
    line_time "${CHUNK##*$'\n'}"
    last=${WHEN:-?}
    dropped_lines[i]=$((${dropped_lines[i]:-0} + lines)) dropped_bytes[i]=$((${dropped_bytes[i]:-0} + to - from))
    write_record "$f.dropped" "${ino[i]} $to ${dropped_lines[i]} ${dropped_bytes[i]}"
    # imfile resumes at the first line kept; agent.sh's own copy says so too (repair_state).
    set_position "$i" "$to"
    write_record "$f.delivered" "${ino[i]} $to"
    backed[i]=$to saved[i]=$to dlv[i]=$to
    gap="log-agent: $lines lines ($((to - from)) bytes) of $f written from $first to $last were dropped while the destination was unreachable: the log volume reached its bound of $overflow bytes (below logVolume.sizeLimit, $volume_limit), past which the kubelet would evict the Pod"
    echo "$gap" >&2
    # A line of nginx's error log, in its format: the gap's record reaches the destination in turn.
    printf '%(%Y/%m/%d %H:%M:%S)T [warn] 0#0: %s\n' -1 "$gap" 2>/dev/null >>error.log ||
        echo "$me: could not append that to error.log (is it writable by the agent's user?): the destination gets no record of the gap" >&2
    start_rsyslogd
}

M=""
family() { # NAME TYPE HELP: a metric family's header
    M+="# HELP webserver_log_agent_$1 $3"$'\n'"# TYPE webserver_log_agent_$1 $2"$'\n'
}
per_log() { # NAME TYPE HELP VALUE...: a family with a sample per log, VALUE in the order of logs ("": none)
    local name=$1 i=0 v
    family "$1" "$2" "$3"
    shift 3
    for v in "$@"; do
        [ -n "$v" ] && M+="webserver_log_agent_$name{log=\"${logs[i]%.log}\"} $v"$'\n'
        i=$((i + 1))
    done
}

metrics_at=""
write_metrics() { # NOW: every metrics_every seconds, the figures into $state/metrics.prom
    local now=$1 i f size used=0 m_size=() m_done=() m_backlog=() m_age=() m_stalled=() m_freed=()
    [ -n "$metrics_at" ] && [ $((now - metrics_at)) -lt "$metrics_every" ] && return 0
    metrics_at=$now
    for i in "${!logs[@]}"; do
        f=${logs[i]}
        if [ -z "${STAT[$f]:-}" ] || [ "${STAT[$f]%% *}" != "${ino[i]:-}" ]; then continue; fi
        size=${STAT[$f]#* }
        m_size[i]=$size m_done[i]=${dlv[i]:-0}
        [ "${m_done[i]}" -le "$size" ] || m_done[i]=$size
        m_backlog[i]=$((size - m_done[i])) m_age[i]=0 m_stalled[i]=0
        if [ "${m_backlog[i]}" -gt 0 ]; then
            line_age "$i" "${m_done[i]}" "$now"
            m_age[i]=$AGE
        fi
        [ -n "${told[i]:-}" ] && m_stalled[i]=1
        [ "$keep" -gt 0 ] && m_freed[i]=$((freed[i] > head ? freed[i] - head : 0))
    done
    volume_used
    used=$USED
    M=""
    per_log log_size_bytes gauge "Bytes nginx has written to the log (its size)." "${m_size[0]:-}" "${m_size[1]:-}"
    per_log delivered_bytes gauge "Bytes of the log delivered: the agent's recorded read position, which moves only once the output has sent the lines (RELP: into its window)." "${m_done[0]:-}" "${m_done[1]:-}"
    per_log backlog_bytes gauge "Bytes of the log not yet delivered." "${m_backlog[0]:-}" "${m_backlog[1]:-}"
    per_log oldest_undelivered_age_seconds gauge "Seconds since nginx wrote the oldest line not yet delivered, from the line's own time; 0 when none waits." "${m_age[0]:-}" "${m_age[1]:-}"
    per_log delivery_stalled gauge "1 once the log grew and nothing was delivered for ${stall}s (said on stderr), until delivery moves again." "${m_stalled[0]:-}" "${m_stalled[1]:-}"
    [ "$keep" -gt 0 ] && per_log freed_bytes gauge "Bytes retention has freed from the log's start (delivered lines beyond maxAge or the log's share of maxSize)." "${m_freed[0]:-}" "${m_freed[1]:-}"
    if [ "$overflow" -gt 0 ]; then
        per_log dropped_lines_total counter "Lines dropped undelivered at the volume's bound (each said in a gap record on error.log), ever." "${dropped_lines[0]:-0}" "${dropped_lines[1]:-0}"
        per_log dropped_bytes_total counter "Bytes of those lines." "${dropped_bytes[0]:-0}" "${dropped_bytes[1]:-0}"
        family volume_bound_bytes gauge "The volume's bound: past it the oldest undelivered lines are dropped, so the kubelet never evicts the Pod for the logs."
        M+="webserver_log_agent_volume_bound_bytes $overflow"$'\n'
    fi
    family volume_used_bytes gauge "Bytes both logs and the rejected documents take in the shared volume (allocated: freed holes do not count)."
    M+="webserver_log_agent_volume_used_bytes $used"$'\n'
    if [ "$volume_limit" -gt 0 ]; then
        family volume_limit_bytes gauge "The shared volume's sizeLimit: beyond it the kubelet evicts the Pod."
        M+="webserver_log_agent_volume_limit_bytes $volume_limit"$'\n'
    fi
    if [ -n "$rejected" ]; then
        family rejected_bytes gauge "Size of the documents the service rejected inside accepted bulk requests (.agent/rejected.json)."
        size=0
        [ -n "${STAT[$rejected]:-}" ] && size=${STAT[$rejected]#* }
        M+="webserver_log_agent_rejected_bytes $size"$'\n'
    fi
    family draining gauge "1 from TERM until the agent exits: delivering to the end of both logs (the drain)."
    M+="webserver_log_agent_draining ${draining:-0}"$'\n'
    printf '%s' "$M" >"$state/metrics.prom.new" && mv -f -- "$state/metrics.prom.new" "$state/metrics.prom"
}

heartbeat() { # while waiting before rsyslogd starts: the metrics (and so the liveness) kept fresh
    local now
    stat_all
    printf -v now '%(%s)T' -1
    write_metrics "$now"
}

cd "$dir" || exit 1
require_userland
mkdir -p "$state" "$agent_dir" || exit 1
rm -f "$state/tick"
mkfifo "$state/tick" && exec 9<>"$state/tick" || exit 1
# What the volume's bound dropped so far (overflow_check), for the metrics.
for i in "${!logs[@]}"; do
    read_record "${logs[i]}.dropped"
    read -r -a rec <<<"$REC"
    dropped_lines[i]=${rec[2]:-0} dropped_bytes[i]=${rec[3]:-0}
done
# The metrics are there from the start.
heartbeat

# rsyslogd runs on with a config it partly rejects (an input or action left out), and an input
# whose action is missing reads lines that go nowhere: refuse any error before reading a line.
throwaway_cert
if ! rsyslogd -N1 -f "$conf" >"$state/config-check" 2>&1; then
    cat "$state/config-check" >&2
    echo "$me: rsyslogd rejects $conf (above); nothing is read until it accepts it" >&2
    # omrelp's parameter that keeps a refused certificate from dropping lines came with 8.2606.
    grep -q "permanentFailureDisablesAction' not known" "$state/config-check" &&
        echo "$me: RELP with TLS needs rsyslog 8.2606 or later (rsyslog/rsyslog-collector:2026-08 and later); this image has $(rsyslogd -v 2>/dev/null | head -n 1)" >&2
    exit 1
fi
rm -f "$state/config-check"
# rsyslog up to 8.2604 drops a batch the service answers with 401, 403 or 5xx (docs/delivery.md):
# wrong credentials must stop the agent before it reads a line, not after.
preflight
relp_tls_preflight

conf_value windowSize && left_note=" (and up to $VAL more sent over RELP but not acknowledged)"
# The bulk API's errorfile, named in the config (components/agentConf.ts); what it held before this
# start was said by the previous one. Sized before rsyslogd starts: after, a rejection it wrote
# first would count as from before, and never be said.
rejected=""
conf_value errorfile && rejected=$VAL
rejected_seen=$(stat -c %s "$rejected" 2>/dev/null || echo 0)
start_rsyslogd
# Kubernetes' TERM goes to this script: it drains (retention.sh, drain_pass), then passes the TERM on
# and waits, so rsyslogd records its positions.
stop_agent() {
    stop_rsyslogd
    exit 0
}
drain_pass() { # while draining: stop once both logs are delivered to their end and quiet, or at the deadline
    local i f size sizes="" left=() all=1
    for i in "${!logs[@]}"; do
        f=${logs[i]}
        [ -n "${STAT[$f]:-}" ] || continue
        size=${STAT[$f]#* }
        sizes+="$size "
        OFFS=0
        [ -n "${ino[i]:-}" ] && delivered "$i"
        left+=("$f" "${OFFS:-0}" "$size")
        [ "${OFFS:-0}" -ge "$size" ] || all=""
    done
    drain_settle stop_agent "$all" "$sizes" "${left[@]}"
}
trap begin_drain TERM INT

last_seen=()
while kill -0 "$agent" 2>/dev/null; do
    stat_all
    report_rejected
    printf -v now '%(%s)T' -1
    for i in "${!logs[@]}"; do
        follow "$i" || continue
        # Nothing recorded yet: nothing delivered, as far as a stall goes.
        delivered "$i" || { watch_stall "$i" "$now" 0; continue; }
        dlv[i]=$OFFS
        watch_stall "$i" "$now" "$OFFS"
        # imfile's position, kept where a kill cannot cut it short (two slots, repair_state).
        if [ "$OFFS" != "${backed[i]:-}" ]; then
            write_record "${logs[i]}.delivered" "${ino[i]} $OFFS"
            backed[i]=$OFFS
        fi
        [ "$OFFS" -gt "${saved[i]}" ] && saved[i]=$OFFS
        [ "$keep" -gt 0 ] && retain "$i" "$now" "${saved[i]}"
    done
    # librelp reads the CA once per process: a changed CA or client certificate (a fixed ConfigMap,
    # a renewed Secret) takes a restart. rsyslogd records its positions; what librelp holds unsent
    # in its window while a certificate is refused is lost by it (docs/delivery.md).
    if [ -n "${AGENT_TLS_DIR:-}" ] && [ $((now % 10)) -eq 0 ]; then
        old_stamp=$TLS_STAMP
        tls_stamp
        if [ "$TLS_STAMP" != "$old_stamp" ]; then
            echo "$me: the TLS material in $AGENT_TLS_DIR changed: restarting rsyslogd to take it" >&2
            stop_rsyslogd
            start_rsyslogd
        fi
    fi
    [ "$overflow" -gt 0 ] && [ -z "$draining" ] && overflow_check
    write_metrics "$now"
    [ -n "$draining" ] && drain_pass
    # Once a second; a trapped TERM interrupts the wait.
    read -rt 1 -u 9 _ || true
done
wait "$agent"
