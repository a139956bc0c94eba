# Sourced by the scripts that build test components from Go modules (test/cluster/build.sh,
# test/components/build.sh): `use_go PREFIX WHAT` finds Go and sets the same build environment
# for all of them; log and now are shared helpers.

use_go() { # prefix for messages, what is built (for the error without Go)
  log_prefix="$1"
  # Go >= 1.26 is needed; the machine's Go lives in /usr/local/go when it is not on PATH.
  if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
  fi
  command -v go >/dev/null || {
    echo "[$log_prefix] go is not installed; $2 is built from Go modules and needs Go >= 1.26" >&2
    exit 1
  }
  export CGO_ENABLED=0
  export GOFLAGS="${GOFLAGS:-} -mod=readonly"
  # Use the installed Go; never download another toolchain silently.
  export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
}

log() { printf '[%s] %s\n' "${log_prefix:-build}" "$*" >&2; }
now() { date +%s; }
