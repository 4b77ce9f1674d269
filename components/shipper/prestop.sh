#!/bin/bash
# The classic sidecar's preStop hook, put on the sidecar when its shipper drains (stream.sh,
# agent.sh; components/manifest.ts). When a Pod stops, the kubelet runs every container's preStop
# hook at once and sends each container its TERM when its own hook has returned. nginx has none: it
# gets its TERM at once. This hook holds the shipper's TERM back until nginx has exited -- until
# nothing listens on nginx's port: nginx's master process holds the listening socket until it exits,
# after its workers, which write the logs -- so the drain starts after nginx's last line, as a
# native sidecar's would. (The Pod's containers share one network namespace, hence 127.0.0.1.)
#
# First it writes when the stop began: the grace period runs from there, and the shipper's drain
# deadline with it (retention.sh, drain_deadline). It waits at most that deadline; past it the shipper
# gets its TERM and exits at once, saying what is left.
#
#   prestop.sh STAMP PORT DRAIN_SECONDS
#   STAMP          where the stop's start goes: the shipper's state dir's stop-began
#   PORT           nginx's port
#   DRAIN_SECONDS  the drain's deadline, seconds after the stop began
stamp=$1 port=$2 drain_seconds=$3
printf '%(%s)T\n' -1 2>/dev/null >"$stamp"
while [ "$SECONDS" -lt "$drain_seconds" ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    sleep 0.5
done
exit 0
