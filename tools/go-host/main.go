// pulumi-language-go as scripts/tools.sh builds it here: a Go language host put together from the
// packages of the Pulumi release the CLI is (PULUMI_VERSION in tools/versions.env).
//
// Pulumi's Go language host is a Go module of its own (sdk/go/pulumi-language-go/v3) that is never
// tagged, and the Go module proxy serves none of its versions; unlike the Node.js and Python hosts,
// no SDK module ever carried it. The pieces it is made of are served: pkg/v3's Go code generator
// and sdk/v3's plugin protocol. This host answers what a Go program and `pulumi package add` need,
// the way sdk/go/pulumi-language-go does:
//   - Run: `go build` the program (or the runtime option `binary`), then run it with the engine's
//     settings in the PULUMI_* variables the Go SDK reads (pulumi.RunWithContext);
//   - InstallDependencies: `go mod tidy`;
//   - GeneratePackage: pkg/v3/codegen/go, as the real host calls it;
//   - Link: a `require` and a `replace` in the program's go.mod pointing at the generated SDK.
//
// It does not debug (AttachDebugger), run Go plugins (RunPlugin), convert programs or pack SDKs.
// GitHub's workflows use the release host instead (examples/README.md).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
	"google.golang.org/protobuf/types/known/emptypb"

	codegen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/constant"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// version is set at build time: the Pulumi release this host's packages come from.
var version = "0.0.0"

// A local SDK's module is required at this version and replaced by its directory (what `go mod
// edit -replace` users write by hand: the version of a replaced module is never fetched).
const localVersion = "v0.0.0-00010101000000-000000000000"

func main() {
	// The flags the engine may pass to a Go host; the last three are obsolete there too.
	flag.String("tracing", "", "tracing endpoint (ignored)")
	flag.String("binary", "", "[obsolete]")
	flag.String("buildTarget", "", "[obsolete]")
	flag.String("root", "", "[obsolete]")
	flag.Parse()
	h := &host{}
	if args := flag.Args(); len(args) > 0 {
		h.engineAddress = args[0]
	}
	serveLanguageRuntime(h, nil)
}

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

func (h *host) Handshake(ctx context.Context, r *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	if r.EngineAddress == "" {
		return nil, errors.New("the handshake names no engine address")
	}
	h.engineAddress = r.EngineAddress
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(ctx context.Context, r *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// The packages a program uses come from Pulumi.yaml's `packages` (what `pulumi package add`
// writes); the real host also reads pulumi-plugin.json files of the modules the program requires,
// which a package added this way does not need.
func (h *host) GetRequiredPlugins(ctx context.Context, r *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(ctx context.Context, r *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) RuntimeOptionsPrompts(ctx context.Context, r *pulumirpc.RuntimeOptionsRequest) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *host) About(ctx context.Context, r *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(gobin, "version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: gobin, Version: strings.TrimSpace(string(out))}, nil
}

func (h *host) GetProgramDependencies(ctx context.Context, r *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	mod, _, err := readGoMod(r.Info.ProgramDirectory)
	if err != nil {
		return nil, err
	}
	var deps []*pulumirpc.DependencyInfo
	for _, req := range mod.Require {
		if !req.Indirect || r.TransitiveDependencies {
			deps = append(deps, &pulumirpc.DependencyInfo{Name: req.Mod.Path, Version: req.Mod.Version})
		}
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func (h *host) Cancel(ctx context.Context, r *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// Run builds the program (unless the runtime option `binary` names one) and runs it with the
// engine's settings in its environment.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	if req.GetAttachDebugger() {
		return nil, errors.New("this build of the Go host does not attach a debugger")
	}
	if h.engineAddress == "" {
		return nil, errors.New("Run before Handshake: no engine address")
	}
	options := req.Info.Options.AsMap()
	bin, _ := options["binary"].(string)
	if bin == "" {
		f, err := os.CreateTemp("", "pulumi-go.*")
		if err != nil {
			return nil, err
		}
		_ = f.Close()
		bin = f.Name()
		defer os.Remove(bin)
		build := exec.CommandContext(ctx, "go", "build", "-o", bin)
		build.Dir = req.Info.ProgramDirectory
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("error in compiling Go: unable to run `go build`: %w", err)
		}
	} else if resolved, err := exec.LookPath(bin); err == nil {
		bin = resolved
	} else {
		return nil, fmt.Errorf("unable to find '%s' executable: %w", bin, err)
	}

	env, err := h.programEnv(req)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = req.Pwd
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exit) && exit.ExitCode() == constant.ExitStatusLoggedError:
		// The program told the engine what went wrong.
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exit):
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("program exited with non-zero exit code: %d", exit.ExitCode())}, nil
	default:
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
}

// programEnv is the environment pulumi.Run reads its run info from.
func (h *host) programEnv(req *pulumirpc.RunRequest) ([]string, error) {
	env := os.Environ()
	set := func(k, v string) {
		if v != "" {
			env = append(env, k+"="+v)
		}
	}
	if cfg := req.GetConfig(); cfg != nil {
		b, err := json.Marshal(cfg)
		if err != nil {
			return nil, err
		}
		set(pulumi.EnvConfig, string(b))
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	b, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	set(pulumi.EnvConfigSecretKeys, string(b))
	set(pulumi.EnvOrganization, req.GetOrganization())
	set(pulumi.EnvProject, req.GetProject())
	set(pulumi.EnvPulumiRootDirectory, req.GetInfo().GetRootDirectory())
	set(pulumi.EnvStack, req.GetStack())
	set(pulumi.EnvDryRun, strconv.FormatBool(req.GetDryRun()))
	set(pulumi.EnvParallel, strconv.Itoa(int(req.GetParallel())))
	set(pulumi.EnvMonitor, req.GetMonitorAddress())
	set(pulumi.EnvEngine, h.engineAddress)
	return env, nil
}

// InstallDependencies runs `go mod tidy` in the program's directory.
func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.IsTerminal)
	if err != nil {
		return err
	}
	defer closer.Close()
	fmt.Fprintf(stdout, "Installing dependencies...\n\n")
	if err := goCommand(req.Info.ProgramDirectory, stdout, stderr, "mod", "tidy"); err != nil {
		return fmt.Errorf("`go mod tidy` failed to install dependencies: %w", err)
	}
	fmt.Fprintf(stdout, "Finished installing dependencies\n\n")
	return closer.Close()
}

func goCommand(dir string, stdout, stderr io.Writer, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = stdout, stderr
	return cmd.Run()
}

// GeneratePackage writes the Go SDK of a package's schema into the requested directory.
func (h *host) GeneratePackage(ctx context.Context, req *pulumirpc.GeneratePackageRequest) (*pulumirpc.GeneratePackageResponse, error) {
	if len(req.ExtraFiles) > 0 {
		return nil, errors.New("overlays are not supported for Go")
	}
	return generatePackage(req, func(pkg *schema.Package, _ schema.ReferenceLoader) (map[string][]byte, error) {
		return codegen.GeneratePackage("pulumi-language-go", pkg, req.LocalDependencies)
	})
}

// Link requires each generated SDK's module in the program's go.mod and replaces it by the SDK's
// directory, and says which packages to import.
func (h *host) Link(ctx context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	program := req.Info.ProgramDirectory
	mod, perm, err := readGoMod(program)
	if err != nil {
		return nil, err
	}
	var imports []string
	for _, dep := range req.Packages {
		dir := dep.Path
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(req.Info.RootDirectory, dir)
		}
		sdk, _, err := readGoMod(dir)
		if err != nil {
			return nil, fmt.Errorf("the SDK of %s: %w", dep.Package.GetName(), err)
		}
		modulePath := sdk.Module.Mod.Path
		rel, err := filepath.Rel(program, dir)
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(rel, ".") {
			rel = "./" + rel // a directory, not a module path, for go.mod's replace
		}
		if err := mod.AddRequire(modulePath, localVersion); err != nil {
			return nil, err
		}
		if err := mod.AddReplace(modulePath, "", filepath.ToSlash(rel), ""); err != nil {
			return nil, err
		}
		pkgs, err := goPackagesIn(dir, modulePath)
		if err != nil {
			return nil, err
		}
		imports = append(imports, pkgs...)
	}
	data, err := mod.Format()
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(program, "go.mod"), data, perm); err != nil {
		return nil, err
	}
	// Worded as the release host words it.
	var text strings.Builder
	text.WriteString("You can import the SDK in your Go code with:\n\n  import (\n")
	for _, p := range imports {
		fmt.Fprintf(&text, "    %q\n", p)
	}
	text.WriteString("  )\n")
	return &pulumirpc.LinkResponse{ImportInstructions: text.String()}, nil
}

// goPackagesIn lists the import paths of the packages an SDK module exports (its directories
// holding .go files, internal ones left out).
func goPackagesIn(dir, modulePath string) ([]string, error) {
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "internal" {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") {
			rel, err := filepath.Rel(dir, filepath.Dir(p))
			if err != nil {
				return err
			}
			if rel != "." {
				seen[modulePath+"/"+filepath.ToSlash(rel)] = true
			}
		}
		return nil
	})
	var out []string
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, err
}

func readGoMod(dir string) (*modfile.File, os.FileMode, error) {
	path := filepath.Join(dir, "go.mod")
	stat, err := os.Stat(path)
	if err != nil {
		return nil, 0, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	mod, err := modfile.Parse(path, data, nil)
	if err != nil {
		return nil, 0, err
	}
	return mod, stat.Mode().Perm(), nil
}
