// etcd server, built from go.etcd.io/etcd/server/v3 (its own main only does this; its
// go.mod has relative replaces, so it cannot be installed directly).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
