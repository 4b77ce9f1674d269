// Shared by the language hosts scripts/tools.sh builds (tools/go-host, tools/hostproxy with
// tools/nodejs-host or tools/python-host, tools/yaml-host): copied into each build beside its own
// files, so each stays one `package main`.
package main

import (
	"fmt"

	"google.golang.org/grpc"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// serveLanguageRuntime serves h to the engine on a port of its own, printed first as every plugin
// does, until the engine is done or cancel (nil: never) is closed.
func serveLanguageRuntime(h pulumirpc.LanguageRuntimeServer, cancel chan bool) {
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host RPC server: %w", err))
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}
