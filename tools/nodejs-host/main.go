// pulumi-language-nodejs as scripts/tools.sh builds it here (with tools/hostproxy/proxy.go).
//
// Pulumi's Node.js language host has been a Go module of its own since 3.69, never tagged, and the
// Go module proxy serves none of its versions; the newest host it serves is the one inside the SDK
// module of 3.68 (PULUMI_NODEJS_HOST_VERSION in tools/versions.env). That host runs programs, but
// answers RunPlugin with "not supported", and RunPlugin is how the engine starts a Node.js policy
// pack or component package. So this binary starts the 3.68 host (installed beside it as
// pulumi-language-nodejs-<version>), forwards every other call to it, and answers RunPlugin the
// way the current host does (sdk/nodejs/cmd/pulumi-language-nodejs, RunPlugin): node runs
// @pulumi/pulumi's run-policy-pack or run-plugin from the plugin's directory, and a policy pack
// gets the stack's configuration through the SDK's PolicyProxy. Nothing else is changed.
// README ("What runs in the integration suite") says so; a user's own Pulumi install has the real host.

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"google.golang.org/grpc"

	"github.com/google/shlex"
	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func main() {
	// The flags the engine may pass to a Node.js host. Those the 3.68 host knows are handed on;
	// -runtime (nodejs or bun, newer than 3.68) must be nodejs.
	tracing := flag.String("tracing", "", "tracing endpoint")
	root := flag.String("root", "", "project root path")
	typescript := flag.Bool("typescript", true, "run TypeScript with ts-node")
	tsconfig := flag.String("tsconfig", "", "tsconfig.json path")
	nodeargs := flag.String("nodeargs", "", "arguments for the Node process")
	runtimeName := flag.String("runtime", "nodejs", "runtime: only nodejs here")
	showVersion := flag.Bool("version", false, "print the inner host's version")
	flag.Parse()
	if *runtimeName != "nodejs" {
		cmdutil.Exit(fmt.Errorf("unsupported runtime: %s", *runtimeName))
	}
	if *showVersion {
		printInnerVersion()
		return
	}
	serve([]string{"-tracing=" + *tracing, "-root=" + *root, "-typescript=" + strconv.FormatBool(*typescript),
		"-tsconfig=" + *tsconfig, "-nodeargs=" + *nodeargs})
}

func (h *host) GeneratePackage(ctx context.Context, r *pulumirpc.GeneratePackageRequest) (*pulumirpc.GeneratePackageResponse, error) {
	return h.inner.GeneratePackage(ctx, r)
}
func (h *host) Link(ctx context.Context, r *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	return h.inner.Link(ctx, r)
}
func (h *host) InstallDependencies(r *pulumirpc.InstallDependenciesRequest, s grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	stream, err := h.inner.InstallDependencies(s.Context(), r)
	if err != nil {
		return err
	}
	return forward(stream.Recv, s.Send)
}

// RunPlugin starts a Node.js plugin -- a policy pack (kind analyzer) or a component package -- from
// its directory, streaming its output back to the engine.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	node, err := exec.LookPath("node")
	if err != nil {
		return err
	}
	options := req.GetInfo().GetOptions().AsMap()
	env := req.GetEnv()
	// typescript defaults to true, as in the host.
	if ts, ok := options["typescript"].(bool); !ok || ts {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if p, ok := options["tsconfig"].(string); ok && p != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+p)
	}
	dir := req.GetInfo().GetProgramDirectory()
	analyzer := req.GetKind() == string(apitype.AnalyzerPlugin)
	module := "@pulumi/pulumi/cmd/run-plugin"
	if analyzer {
		module = "@pulumi/pulumi/cmd/run-policy-pack"
	}
	runPath, err := resolve(node, module, dir)
	if err != nil {
		return err
	}
	args := []string{runPath}
	if s, ok := options["nodeargs"].(string); ok && s != "" {
		extra, err := shlex.Split(s)
		if err != nil {
			return err
		}
		args = append(args, extra...)
	}
	// A policy pack takes its directory last, everything else first.
	if analyzer {
		args = append(append(args, req.GetArgs()...), dir)
	} else {
		args = append(append(args, dir), req.GetArgs()...)
	}

	var proxy *sdk.PolicyProxy
	if analyzer {
		// The stack's configuration reaches a policy pack through the environment; the SDK's proxy
		// takes the engine's ConfigureStack call and hands the rest to the pack once it runs.
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start policy pack proxy: %w", err)
		}
		config, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get stack configuration: %w", err)
		}
		if config != nil {
			add := func(k, v string) {
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			add("PULUMI_NODEJS_ORGANIZATION", config.Organization)
			add("PULUMI_NODEJS_PROJECT", config.Project)
			add("PULUMI_NODEJS_STACK", config.Stack)
			add("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(config.DryRun))
			if config.Config != nil {
				b, err := json.Marshal(config.Config)
				if err != nil {
					return err
				}
				add("PULUMI_CONFIG", string(b))
			}
		}
	}

	cmd := exec.CommandContext(ctx, node, args...)
	if analyzer {
		cmd.Dir = dir
	} else {
		cmd.Dir = req.GetPwd()
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not run node: %w", err)
	}
	if proxy != nil {
		if err := proxy.Attach(ctx, cmd); err != nil {
			return fmt.Errorf("could not attach policy pack proxy: %w", err)
		}
	} else if err := cmd.Wait(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if status, ok := exit.Sys().(syscall.WaitStatus); ok {
				return fmt.Errorf("Program exited with non-zero exit code: %d", status.ExitStatus())
			}
		}
		return err
	}
	return closer.Close()
}

// resolve finds a module as node does from dir (the plugin's own node_modules).
func resolve(node, module, dir string) (string, error) {
	script := fmt.Sprintf(`try { console.log(require.resolve(%q)) } catch (e) { console.error(e.code === "MODULE_NOT_FOUND" ? "It looks like the Pulumi SDK has not been installed. Have you run npm install in %s?" : e.message); process.exit(1) }`, module, dir)
	cmd := exec.Command(node, "-e", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return "", errors.New(string(exit.Stderr))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}
