// pulumi-language-yaml as scripts/tools.sh builds it here: Pulumi YAML's own language host
// (github.com/pulumi/pulumi-yaml/pkg/server, PULUMI_YAML_VERSION in tools/versions.env, the newest
// the Go module proxy serves) started the way its cmd/pulumi-language-yaml does, plus Link.
//
// The Pulumi CLI's `pulumi package add` ends by calling the language host's Link; pulumi-yaml
// answers it from 1.26.2 on with an empty response ("YAML doesn't need to do anything to link in a
// package"), and 1.25.0 does not answer it at all, so the CLI of PULUMI_VERSION fails with "method
// Link not implemented". This adds exactly that empty answer; everything else is pulumi-yaml's.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/pulumi/pulumi-yaml/pkg/server"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

type withLink struct {
	pulumirpc.LanguageRuntimeServer
}

// Link is pulumi-yaml 1.26.2's: YAML programs read a package from Pulumi.yaml; nothing to link.
func (withLink) Link(context.Context, *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	return &pulumirpc.LinkResponse{}, nil
}

func main() {
	var tracing, root, compiler string
	flag.StringVar(&tracing, "tracing", "", "Emit tracing to a Zipkin-compatible tracing endpoint")
	flag.StringVar(&root, "root", "", "Root of the program execution")
	flag.StringVar(&compiler, "compiler", "", "[obsolete] Compiler to use to pre-process YAML")
	flag.Parse()
	logging.InitLogging(false, 0, false)
	cmdutil.InitTracing("pulumi-language-yaml", "pulumi-language-yaml", tracing)

	var cancelChannel chan bool
	var engineAddress string
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[0]
		ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
		cancelChannel = make(chan bool)
		go func() {
			<-ctx.Done()
			cancel()
			close(cancelChannel)
		}()
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check host RPC server: %w", err))
		}
	}

	host := server.NewLanguageHost(engineAddress, tracing, false /* useRPCLoader */)
	serveLanguageRuntime(withLink{host}, cancelChannel)
}
