#!/usr/bin/env bash
# Removes the CustomResourceDefinitions a chart of Hero's journey left behind: Helm keeps a
# chart's CRDs when it uninstalls the chart, and deleting a CRD deletes every object of its
# kind in the whole cluster. So this deletes them only when no such object is left, and
# otherwise keeps them and lists the objects that still use them.
#
# Usage: bash cleanup/remove-crds.sh NAME GROUP-PATTERN
#   e.g. bash cleanup/remove-crds.sh cert-manager 'cert-manager\.io'
set -euo pipefail
name=$1
groups=$2

crds=$(kubectl get crd -o name | sed -n 's:^customresourcedefinition.apiextensions.k8s.io/::p' | grep -E "\\.(${groups})\$" || true)
if [ -z "$crds" ]; then
  echo "$name: no CustomResourceDefinitions left."
  exit 0
fi
left=$(kubectl get "$(printf '%s\n' "$crds" | paste -sd, -)" --all-namespaces -o name --ignore-not-found)
if [ -n "$left" ]; then
  echo "$name: keeping its CustomResourceDefinitions, which these objects still use:"
  printf '%s\n' "$left" | sed 's/^/  /'
  exit 0
fi
printf '%s\n' "$crds" | sed 's:^:customresourcedefinition/:' | xargs kubectl delete --wait --timeout=2m
echo "$name: its CustomResourceDefinitions are gone."
