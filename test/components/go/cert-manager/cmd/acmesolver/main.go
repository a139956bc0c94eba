// Command acmesolver serves one ACME HTTP-01 challenge with cert-manager's solver
// (github.com/cert-manager/cert-manager/pkg/issuer/acme/http/solver), taking the same flags as the
// solver pods cert-manager creates: --listen-port, --domain, --token, --key.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/cert-manager/cert-manager/pkg/issuer/acme/http/solver"
	logf "github.com/cert-manager/cert-manager/pkg/logs"
)

func main() {
	s := &solver.HTTP01Solver{}
	flag.IntVar(&s.ListenPort, "listen-port", 8089, "port to listen on")
	flag.StringVar(&s.Domain, "domain", "", "the domain name to verify")
	flag.StringVar(&s.Token, "token", "", "the challenge token to verify against")
	flag.StringVar(&s.Key, "key", "", "the challenge key to respond with")
	flag.Parse()
	logf.InitLogs()
	if err := s.Listen(logf.Log.WithName("acmesolver")); err != nil {
		fmt.Fprintf(os.Stderr, "acmesolver: %v\n", err)
		os.Exit(1)
	}
}
