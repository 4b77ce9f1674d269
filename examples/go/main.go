// A Pod with retention and a Deployment delivering to a LogService, in Go.
//
// `pulumi package add <this repository>` (pinned: github.com/<owner>/webserver-sidecar@vX.Y.Z)
// generates the SDK under sdks/webserver-sidecar and points go.mod at it (a require and a
// replace); then `pulumi up` (examples/README.md).
package main

import (
	"example.com/pulumi-webserver-sidecar/sdk/go/webserversidecar"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		// VictoriaLogs in the cluster: the log-aggregation service the Deployment's agents deliver to.
		// Closed: agents insert and developers query with these passwords, set as secrets
		// (`pulumi config set --secret logsIngestPassword <16+ characters>`, the same for logsReaderPassword).
		cfg := config.New(ctx, "")
		logs, err := webserversidecar.NewLogService(ctx, "logs", &webserversidecar.LogServiceArgs{
			RetentionPeriod: pulumi.StringRef("7d"),
			Access: webserversidecar.LogServiceAccessArgs{
				IngestPassword: cfg.RequireSecret("logsIngestPassword"),
				ReaderPassword: cfg.RequireSecret("logsReaderPassword"),
			},
		})
		if err != nil {
			return err
		}

		// The seed's Pod, its logs kept on the shared volume for 24 hours or 64Mi, whichever comes first.
		web, err := webserversidecar.NewWebserverPod(ctx, "web", &webserversidecar.WebserverPodArgs{
			PodName: pulumi.String("webserver"),
			Shipper: webserversidecar.ShipperStream,
			Retention: &webserversidecar.RetentionArgs{
				MaxAge:  pulumi.String("24h"),
				MaxSize: pulumi.String("64Mi"),
			},
		})
		if err != nil {
			return err
		}

		// Two replicas behind a Service, each with a log agent posting to the LogService's bulk API as its
		// ingest user (its Destination: the URL and the Secret holding the password, nothing copied).
		// Created once the LogService is ready; deleted before it, so the agents' drain delivers.
		deployment := webserversidecar.WorkloadDeployment
		api, err := webserversidecar.NewWebserverPod(ctx, "api", &webserversidecar.WebserverPodArgs{
			PodName:  pulumi.String("webserver-api"),
			Workload: &deployment,
			Replicas: pulumi.Float64Ref(2),
			Destination: logs.Destination,
		}, pulumi.DependsOn([]pulumi.Resource{logs}))
		if err != nil {
			return err
		}

		ctx.Export("podIp", web.PodIp)
		ctx.Export("podStatus", web.Status)
		ctx.Export("apiReadyReplicas", api.ReadyReplicas)
		ctx.Export("logsUrl", logs.UiUrl)
		ctx.Export("logsLogin", logs.UiLogin)
		return nil
	})
}
