// Command argocd runs one of Argo CD's own components out of cluster next to the local
// control plane, with an in-process Redis (miniredis, as Argo CD's core mode does) instead of
// the argocd-redis Deployment. As in Argo CD's image, the name it is called by picks the
// component (build.sh links both names to it):
//
//	argocd-application-controller [flags of argocd-application-controller]
//	argocd-repo-server [flags of argocd-repo-server]
//
// Each process gets its own Redis on loopback: Redis only caches, so two caches lose nothing.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/alicebob/miniredis/v2"
	"github.com/spf13/cobra"
	"k8s.io/klog/v2"

	appcontroller "github.com/argoproj/argo-cd/v3/cmd/argocd-application-controller/commands"
	reposerver "github.com/argoproj/argo-cd/v3/cmd/argocd-repo-server/commands"
	"github.com/argoproj/argo-cd/v3/util/log"
)

func main() {
	// As Argo CD's own main does: klog follows the configured log level and format.
	klog.SetLogger(log.NewLogrusLogger(log.NewWithCurrentConfig()))

	var command *cobra.Command
	switch name := filepath.Base(os.Args[0]); name {
	case "argocd-application-controller":
		command = appcontroller.NewCommand()
	case "argocd-repo-server":
		command = reposerver.NewCommand()
	default:
		fmt.Fprintf(os.Stderr, "argocd: called as %q; call it as argocd-application-controller or argocd-repo-server\n", name)
		os.Exit(2)
	}
	redis, err := miniredis.Run()
	if err != nil {
		fmt.Fprintf(os.Stderr, "argocd: cannot start the in-process Redis: %v\n", err)
		os.Exit(1)
	}
	defer redis.Close()
	command.SetArgs(append(os.Args[1:], "--redis", redis.Addr()))
	if err := command.Execute(); err != nil {
		os.Exit(1)
	}
}
