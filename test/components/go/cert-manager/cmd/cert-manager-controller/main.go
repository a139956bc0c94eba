// Command cert-manager-controller runs cert-manager's controllers out of cluster against the
// kubeconfig it is given: the control loops of github.com/cert-manager/cert-manager's pkg/controller,
// with the ACME, CA and SelfSigned issuers. cert-manager publishes its own main package only in
// a module of its repository that the Go module proxy does not serve, so the local HTTPS tests
// wire the same published packages here.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/klog/v2"

	controllerpkg "github.com/cert-manager/cert-manager/pkg/controller"
	logf "github.com/cert-manager/cert-manager/pkg/logs"

	// Control loops register themselves with pkg/controller when imported.
	_ "github.com/cert-manager/cert-manager/pkg/controller/acmechallenges"
	_ "github.com/cert-manager/cert-manager/pkg/controller/acmeorders"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificate-shim/ingresses"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/acme"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/approver"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/ca"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/selfsigned"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/issuing"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/keymanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/readiness"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/requestmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/revisionmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/trigger"
	_ "github.com/cert-manager/cert-manager/pkg/controller/clusterissuers"
	_ "github.com/cert-manager/cert-manager/pkg/controller/issuers"
	// Issuer types the issuers and clusterissuers loops know.
	_ "github.com/cert-manager/cert-manager/pkg/issuer/acme"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/ca"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/selfsigned"
)

var defaultControllers = []string{
	"issuers", "clusterissuers",
	"certificates-trigger", "certificates-issuing", "certificates-key-manager",
	"certificates-request-manager", "certificates-readiness", "certificates-revision-manager",
	"certificaterequests-approver", "certificaterequests-issuer-acme",
	"certificaterequests-issuer-ca", "certificaterequests-issuer-selfsigned",
	"orders", "challenges", "ingress-shim",
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "cert-manager-controller: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		kubeconfig   = flag.String("kubeconfig", "", "kubeconfig of the cluster to manage")
		clusterResNS = flag.String("cluster-resource-namespace", "cert-manager", "namespace of the Secrets ClusterIssuers refer to")
		http01NS     = flag.String("acme-http01-solver-nameservers", "", "host:port,... DNS servers for the HTTP-01 self-check (default: the system's)")
		solverImage  = flag.String("acme-http01-solver-image", "quay.io/jetstack/cert-manager-acmesolver:local", "image of the HTTP-01 solver pods")
		controllers  = flag.String("controllers", strings.Join(defaultControllers, ","), "control loops to run")
		minBackoff   = flag.Duration("certificate-request-minimum-backoff-duration", time.Hour, "first wait after a failed issuance")
		maxBackoff   = flag.Duration("certificate-request-maximum-backoff-duration", 32*time.Hour, "longest wait after failed issuances")
		verbosity    = flag.Int("v", 2, "log verbosity (2 info, 4 debug)")
	)
	flag.Parse()
	if *kubeconfig == "" {
		return fmt.Errorf("--kubeconfig is required")
	}

	klogFlags := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(klogFlags)
	_ = klogFlags.Set("v", fmt.Sprint(*verbosity))
	logf.InitLogs()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx = logf.NewContext(ctx, logf.Log, "cert-manager-controller")
	log := logf.FromContext(ctx)

	var nameservers []string
	if *http01NS != "" {
		nameservers = strings.Split(*http01NS, ",")
	}
	opts := controllerpkg.ContextOptions{
		Kubeconfig:         *kubeconfig,
		KubernetesAPIQPS:   100,
		KubernetesAPIBurst: 200,
		IssuerOptions: controllerpkg.IssuerOptions{
			ClusterResourceNamespace: *clusterResNS,
		},
		ACMEOptions: controllerpkg.ACMEOptions{
			HTTP01SolverImage:                 *solverImage,
			HTTP01SolverResourceRequestCPU:    resource.MustParse("10m"),
			HTTP01SolverResourceRequestMemory: resource.MustParse("64Mi"),
			HTTP01SolverResourceLimitsCPU:     resource.MustParse("100m"),
			HTTP01SolverResourceLimitsMemory:  resource.MustParse("64Mi"),
			ACMEHTTP01SolverRunAsNonRoot:      true,
			HTTP01SolverNameservers:           nameservers,
			DNS01CheckRetryPeriod:             10 * time.Second,
		},
		IngressShimOptions: controllerpkg.IngressShimOptions{
			DefaultIssuerKind:  "Issuer",
			DefaultIssuerGroup: "cert-manager.io",
		},
		CertificateOptions: controllerpkg.CertificateOptions{
			CertificateRequestMinimumBackoffDuration: *minBackoff,
			CertificateRequestMaximumBackoffDuration: *maxBackoff,
		},
		SchedulerOptions: controllerpkg.SchedulerOptions{MaxConcurrentChallenges: 60},
	}
	factory, err := controllerpkg.NewContextFactory(ctx, opts)
	if err != nil {
		return err
	}

	enabled := strings.Split(*controllers, ",")
	known := controllerpkg.Known()
	type loop struct {
		name string
		ctl  controllerpkg.Interface
	}
	var loops []loop
	for _, name := range enabled {
		construct, ok := known[name]
		if !ok {
			return fmt.Errorf("unknown controller %q", name)
		}
		ctl, err := construct(factory)
		if err != nil {
			return fmt.Errorf("building controller %s: %w", name, err)
		}
		loops = append(loops, loop{name, ctl})
	}
	slices.SortFunc(loops, func(a, b loop) int { return strings.Compare(a.name, b.name) })

	// Every controller built its informers from the factory's shared informer factories; start them.
	shared, err := factory.Build()
	if err != nil {
		return err
	}
	shared.KubeSharedInformerFactory.Start(ctx.Done())
	shared.SharedInformerFactory.Start(ctx.Done())
	shared.HTTP01ResourceMetadataInformersFactory.Start(ctx.Done())
	if shared.GatewaySolverEnabled {
		shared.GWShared.Start(ctx.Done())
	}

	var wg sync.WaitGroup
	errs := make(chan error, len(loops))
	for _, l := range loops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			log.Info("starting controller", "controller", l.name)
			if err := l.ctl.Run(5, ctx); err != nil {
				errs <- fmt.Errorf("controller %s: %w", l.name, err)
				stop()
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}
