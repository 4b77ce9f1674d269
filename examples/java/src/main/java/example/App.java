// A Pod with retention and a Deployment delivering to a LogService, in Java.
//
// `pulumi package add <this repository>` (pinned: github.com/<owner>/webserver-sidecar@vX.Y.Z)
// generates the SDK's sources under sdks/webserver-sidecar; pom.xml compiles them with this
// program (examples/README.md). Then `pulumi up`.
package example;

import com.pulumi.Pulumi;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.webserversidecar.LogService;
import com.pulumi.webserversidecar.LogServiceArgs;
import com.pulumi.webserversidecar.WebserverPod;
import com.pulumi.webserversidecar.WebserverPodArgs;
import com.pulumi.webserversidecar.enums.Shipper;
import com.pulumi.webserversidecar.enums.Workload;
import com.pulumi.webserversidecar.inputs.DestinationArgs;
import com.pulumi.webserversidecar.inputs.ElasticsearchAuthArgs;
import com.pulumi.webserversidecar.inputs.ElasticsearchDestinationArgs;
import com.pulumi.webserversidecar.inputs.LogServiceAccessArgs;
import com.pulumi.webserversidecar.inputs.RetentionArgs;

public class App {
    public static void main(String[] args) {
        Pulumi.run(ctx -> {
            // VictoriaLogs in the cluster: the log-aggregation service the Deployment's agents deliver to.
            // Closed: agents insert and developers query with these passwords, set as secrets
            // (`pulumi config set --secret logsIngestPassword <16+ characters>`, the same for logsReaderPassword).
            var logs = new LogService("logs", LogServiceArgs.builder()
                .retentionPeriod("7d")
                .access(LogServiceAccessArgs.builder()
                    .ingestPassword(ctx.config().requireSecret("logsIngestPassword"))
                    .readerPassword(ctx.config().requireSecret("logsReaderPassword"))
                    .build())
                .build());

            // The seed's Pod, its logs kept on the shared volume for 24 hours or 64Mi, whichever comes first.
            var web = new WebserverPod("web", WebserverPodArgs.builder()
                .podName("webserver")
                .shipper(Shipper.Stream)
                .retention(RetentionArgs.builder().maxAge("24h").maxSize("64Mi").build())
                .build());

            // Two replicas behind a Service, each with a log agent posting to the LogService's bulk API as its
            // ingest user, from the Secret the LogService made (nothing copied). Java types a resource's
            // outputs apart from inputs, so its `destination` is spelled out from its parts here.
            // Created once the LogService is ready; deleted before it, so the agents' drain delivers.
            var api = new WebserverPod("api", WebserverPodArgs.builder()
                .podName("webserver-api")
                .workload(Workload.Deployment)
                .replicas(2.0)
                .destination(DestinationArgs.builder()
                    .elasticsearch(ElasticsearchDestinationArgs.builder()
                        .url(logs.bulkUrl())
                        .auth(ElasticsearchAuthArgs.builder()
                            .basicAuthSecret(logs.ingestSecretName())
                            .allowPlainHttp(true)
                            .build())
                        .build())
                    .build())
                .build(),
                ComponentResourceOptions.builder().dependsOn(logs).build());

            ctx.export("podIp", web.podIp());
            ctx.export("podStatus", web.status());
            ctx.export("apiReadyReplicas", api.readyReplicas());
            ctx.export("logsUrl", logs.uiUrl());
            ctx.export("logsLogin", logs.uiLogin());
        });
    }
}
