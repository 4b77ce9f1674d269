"""A Pod with retention and a Deployment delivering to a LogService, in Python.

`pulumi package add <this repository>` (pinned: github.com/<owner>/webserver-sidecar@vX.Y.Z)
generates the `pulumi_webserver_sidecar` SDK under sdks/ and adds it to requirements.txt;
then `pulumi up` (examples/README.md).
"""

import pulumi
import pulumi_webserver_sidecar as webserver_sidecar

# VictoriaLogs in the cluster: the log-aggregation service the Deployment's agents deliver to.
# Closed: agents insert and developers query with these passwords, set as secrets
# (`pulumi config set --secret logsIngestPassword <16+ characters>`, the same for logsReaderPassword).
config = pulumi.Config()
logs = webserver_sidecar.LogService(
    "logs",
    retention_period="7d",
    access=webserver_sidecar.LogServiceAccessArgs(
        ingest_password=config.require_secret("logsIngestPassword"),
        reader_password=config.require_secret("logsReaderPassword"),
    ),
)

# The seed's Pod, its logs kept on the shared volume for 24 hours or 64Mi, whichever comes first.
web = webserver_sidecar.WebserverPod(
    "web",
    pod_name="webserver",
    shipper=webserver_sidecar.Shipper.STREAM,
    retention=webserver_sidecar.RetentionArgs(max_age="24h", max_size="64Mi"),
)

# Two replicas behind a Service, each with a log agent posting to the LogService's bulk API as its
# ingest user (its `destination`: the URL and the Secret holding the password, nothing copied).
# Created once the LogService is ready; deleted before it, so the agents' drain delivers.
api = webserver_sidecar.WebserverPod(
    "api",
    pod_name="webserver-api",
    workload=webserver_sidecar.Workload.DEPLOYMENT,
    replicas=2,
    destination=logs.destination,
    opts=pulumi.ResourceOptions(depends_on=[logs]),
)

pulumi.export("podIp", web.pod_ip)
pulumi.export("podStatus", web.status)
pulumi.export("apiReadyReplicas", api.ready_replicas)
pulumi.export("logsUrl", logs.ui_url)
pulumi.export("logsLogin", logs.ui_login)
