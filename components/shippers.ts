// The sidecar's command for each shipper. Pure: settings in, argv out.
import { RETENTION_LOOP, SEED } from "./defaults";
import { RetentionSettings } from "./model";

/** The seed's shipper, with its period: print both log files every `periodSeconds`. */
export function catLoopCommand(periodSeconds: number = SEED.catLoopPeriodSeconds): string[] {
    return [
        "sh",
        "-c",
        `while true; do cat ${SEED.logDir}/access.log ${SEED.logDir}/error.log; sleep ${periodSeconds}; done`,
    ];
}

/**
 * GNU tail, polling every 0.2 s instead of waking on every inotify event: at high request rates
 * inotify wakes the shipper for each line nginx writes and it forwards line by line (the
 * benchmark measured 0.60 of nginx-alone throughput and a quarter of a core on two cores);
 * polling reads and forwards what accumulated in 8 KiB writes, for at most 0.2 s more latency.
 * `---disable-inotify` is GNU coreutils' own (undocumented) switch for this: the stream shipper
 * needs a GNU userland in the sidecar image (ubuntu, debian), not busybox.
 */
const TAIL = "tail ---disable-inotify -q -n +1 -F -s 0.2 access.log error.log";

/**
 * The stream shipper: every line of access.log and error.log once, in order per file, as soon
 * as nginx writes it, from the beginning of the files, following truncation and re-creation
 * (`tail -F`). With no retention it is just that one `tail`.
 *
 * With retention, a loop beside `tail` frees the oldest part of each file by punching a hole
 * (`fallocate --punch-hole`) over it. File sizes and offsets do not change, so nginx keeps
 * appending to the same file with O_APPEND, `tail` keeps its place, and no rename, signal or
 * shared process namespace is needed. Only bytes at least 128 KiB behind what `tail` has read
 * (its `pos` in /proc/<pid>/fdinfo) are ever freed: more than the pipe to `tr` and `tr`'s buffer
 * can hold, so every freed byte is already on the container's stdout and no unshipped line is
 * lost. Each pass leaves room for as much growth as the last pass saw, so the files stay within
 * the bound until the next pass as long as the bound is well above a second's worth of logs; holes read back as NUL bytes, which `tr` drops when a restarted shipper re-reads the file.
 */
export function streamCommand(retention?: RetentionSettings): string[] {
    const dir = SEED.logDir;
    if (!retention) return ["sh", "-c", `cd ${dir} && exec ${TAIL}`];
    const perFile = Math.floor(retention.maxBytes / 2);
    const script = `cd ${dir} || exit 1
${TAIL} | stdbuf -o0 tr -d '\\000' &
ship=$!
trap 'kill $ship 2>/dev/null; exit 0' TERM INT
keep=${perFile}; age=${retention.maxAgeSeconds}; n=0; tailpid=""
cp_access=""; cp_error=""
pos() { for fd in /proc/$tailpid/fd/*; do [ "$(readlink "$fd")" = "${dir}/$1" ] && sed -n 's/^pos:[[:space:]]*//p' "/proc/$tailpid/fdinfo/\${fd##*/}" && return; done; echo 0; }
while kill -0 $ship 2>/dev/null; do
  sleep ${RETENTION_LOOP.intervalSeconds}
  if [ -z "$tailpid" ] || [ ! -d "/proc/$tailpid" ]; then
    tailpid=""; for p in /proc/[0-9]*; do [ "$(cat "$p/comm" 2>/dev/null)" = tail ] && tailpid=\${p#/proc/} && break; done
    [ -n "$tailpid" ] || continue
  fi
  now=$(date +%s); n=$((n + 1))
  for f in access error; do
    [ -f "$f.log" ] || continue
    size=$(stat -c %s "$f.log"); shipped=$(pos "$f.log"); shipped=\${shipped:-0}
    eval "cps=\\$cp_$f; last=\\$size_$f"
    grow=$((size - \${last:-$size})); room=$((keep - grow)); [ $room -lt 0 ] && room=0
    [ $((n % ${RETENTION_LOOP.checkpointEvery})) -eq 1 ] && cps="$cps $now:$size"
    old=0; rest=""
    for c in $cps; do if [ "\${c%%:*}" -le $((now - age)) ]; then old=\${c#*:}; else rest="$rest $c"; fi; done
    target=$((size - room)); [ $old -gt $target ] && target=$old
    safe=$((shipped - ${RETENTION_LOOP.unfreedBehindShipperBytes})); [ $target -gt $safe ] && target=$safe
    target=$((target / ${RETENTION_LOOP.blockBytes} * ${RETENTION_LOOP.blockBytes}))
    [ $target -gt 0 ] && fallocate --punch-hole --offset 0 --length $target "$f.log"
    eval "size_$f=$size; cp_$f=\\"$rest\\""
  done
done`;
    return ["sh", "-c", script];
}
