"""A Pod with retention and a Deployment delivering to a LogService, in Python.

`pulumi package add <this repository>` (pinned: github.com/<owner>/webserver-sidecar@vX.Y.Z)
generates the `pulumi_webserver_sidecar` SDK under sdks/ and adds it to requirements.txt;
then `pulumi up` (examples/README.md).
"""

import pulumi
import pulumi_webserver_sidecar as webserver_sidecar

# VictoriaLogs in the cluster: the log-aggregation service the Deployment's agents deliver to.
logs = webserver_sidecar.LogService("logs", retention_period="7d")

# The seed's Pod, its logs kept on the shared volume for 24 hours or 64Mi, whichever comes first.
web = webserver_sidecar.WebserverPod(
    "web",
    pod_name="webserver",
    shipper=webserver_sidecar.Shipper.STREAM,
    retention=webserver_sidecar.RetentionArgs(max_age="24h", max_size="64Mi"),
)

# Two replicas behind a Service, each with a log agent posting to the LogService's bulk API.
# Created once the LogService is ready; deleted before it, so the agents' drain delivers.
api = webserver_sidecar.WebserverPod(
    "api",
    pod_name="webserver-api",
    workload=webserver_sidecar.Workload.DEPLOYMENT,
    replicas=2,
    destination=webserver_sidecar.DestinationArgs(
        elasticsearch=webserver_sidecar.ElasticsearchDestinationArgs(url=logs.bulk_url),
    ),
    opts=pulumi.ResourceOptions(depends_on=[logs]),
)

pulumi.export("podIp", web.pod_ip)
pulumi.export("podStatus", web.status)
pulumi.export("apiReadyReplicas", api.ready_replicas)
pulumi.export("logsUrl", logs.ui_url)
