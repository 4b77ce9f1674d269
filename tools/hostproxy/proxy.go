// The shared half of tools/nodejs-host and tools/python-host (scripts/tools.sh builds each with
// this file): start the language host of an older release (the newest the Go module proxy serves)
// beside this binary, forward the engine's calls to it, and let the host file answer the calls
// that release lacks.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// innerHost is set at build time: the file name of the older host beside this binary.
var innerHost = "pulumi-language-inner"

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	inner pulumirpc.LanguageRuntimeClient
}

// innerPath is the older host's path, beside this binary.
func innerPath() string {
	self, err := os.Executable()
	if err != nil {
		cmdutil.Exit(err)
	}
	return filepath.Join(filepath.Dir(self), innerHost)
}

// printInnerVersion answers -version with the older host's answer.
func printInnerVersion() {
	out, err := exec.Command(innerPath(), "-version").CombinedOutput()
	if err != nil {
		cmdutil.Exit(fmt.Errorf("%s -version: %w: %s", innerPath(), err, out))
	}
	fmt.Print(string(out))
}

// serve starts the older host with its flags and the engine's arguments, then serves the engine on a port of its own (printed
// first, as every plugin does) until the engine is done.
func serve(innerFlags []string) {
	cmd := exec.Command(innerPath(), append(innerFlags, flag.Args()...)...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		cmdutil.Exit(err)
	}
	if err := cmd.Start(); err != nil {
		cmdutil.Exit(fmt.Errorf("starting %s: %w", innerPath(), err))
	}
	defer func() { _ = cmd.Process.Kill() }()
	port, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		cmdutil.Exit(fmt.Errorf("%s printed no port: %w", innerPath(), err))
	}
	go func() { _, _ = io.Copy(os.Stdout, stdout) }()

	conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(port),
		grpc.WithTransportCredentials(insecure.NewCredentials()), rpcutil.GrpcChannelOptions())
	if err != nil {
		cmdutil.Exit(err)
	}
	serveLanguageRuntime(&host{inner: pulumirpc.NewLanguageRuntimeClient(conn)}, nil)
}

// Calls the older host answers as it is (each host file forwards or answers the rest).

func (h *host) Handshake(ctx context.Context, r *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	return h.inner.Handshake(ctx, r)
}
func (h *host) GetRequiredPlugins(ctx context.Context, r *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return h.inner.GetRequiredPlugins(ctx, r)
}
func (h *host) GetRequiredPackages(ctx context.Context, r *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return h.inner.GetRequiredPackages(ctx, r)
}
func (h *host) Run(ctx context.Context, r *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	return h.inner.Run(ctx, r)
}
func (h *host) GetPluginInfo(ctx context.Context, r *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return h.inner.GetPluginInfo(ctx, r)
}
func (h *host) RuntimeOptionsPrompts(ctx context.Context, r *pulumirpc.RuntimeOptionsRequest) (*pulumirpc.RuntimeOptionsResponse, error) {
	return h.inner.RuntimeOptionsPrompts(ctx, r)
}
func (h *host) Template(ctx context.Context, r *pulumirpc.TemplateRequest) (*pulumirpc.TemplateResponse, error) {
	return h.inner.Template(ctx, r)
}
func (h *host) About(ctx context.Context, r *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	return h.inner.About(ctx, r)
}
func (h *host) GetProgramDependencies(ctx context.Context, r *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return h.inner.GetProgramDependencies(ctx, r)
}
func (h *host) GenerateProgram(ctx context.Context, r *pulumirpc.GenerateProgramRequest) (*pulumirpc.GenerateProgramResponse, error) {
	return h.inner.GenerateProgram(ctx, r)
}
func (h *host) GenerateProject(ctx context.Context, r *pulumirpc.GenerateProjectRequest) (*pulumirpc.GenerateProjectResponse, error) {
	return h.inner.GenerateProject(ctx, r)
}
func (h *host) Pack(ctx context.Context, r *pulumirpc.PackRequest) (*pulumirpc.PackResponse, error) {
	return h.inner.Pack(ctx, r)
}
func (h *host) Cancel(ctx context.Context, r *emptypb.Empty) (*emptypb.Empty, error) {
	return h.inner.Cancel(ctx, r)
}

// forward copies a server stream of the older host to the engine until it ends.
func forward[T any](recv func() (T, error), send func(T) error) error {
	for {
		msg, err := recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := send(msg); err != nil {
			return err
		}
	}
}
