#!/bin/sh
# Creates Firebreak's Temporal namespace when it does not exist yet (the temporalio/server image,
# unlike the retired auto-setup image, creates none) and registers Firebreak's search attributes
# (DESIGN.md §3) on it, once: a namespace or attribute that already exists is left alone, so running
# it again (every `docker compose up`) is harmless. Needs the `temporal` CLI. TEMPORAL_ADDRESS
# (default 127.0.0.1:7233), TEMPORAL_NAMESPACE (default "default"), TEMPORAL_NAMESPACE_RETENTION
# (default 720h, how long closed workflows stay visible; only used when creating the namespace). For
# Temporal Cloud create the namespace and attributes in the Cloud UI or with `tcld` instead.
set -eu

address="${TEMPORAL_ADDRESS:-127.0.0.1:7233}"
namespace="${TEMPORAL_NAMESPACE:-default}"
temporal="${TEMPORAL_CLI:-temporal}"

tries=0
until health=$("$temporal" operator cluster health --address "$address" 2>&1) && printf '%s\n' "$health" | grep -q SERVING; do
  tries=$((tries + 1))
  [ "$tries" -lt 120 ] || { printf 'Temporal at %s is not serving after 120 s: %s\n' "$address" "$health" >&2; exit 1; }
  sleep 1
done

if "$temporal" operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; then
  echo "namespace $namespace exists"
else
  "$temporal" operator namespace create --address "$address" --namespace "$namespace" --retention "${TEMPORAL_NAMESPACE_RETENTION:-720h}" >/dev/null
  echo "namespace $namespace created"
fi

# The namespace may not be visible to the frontend yet right after the server creates it.
tries=0
until existing=$("$temporal" operator search-attribute list --address "$address" --namespace "$namespace" 2>&1); do
  tries=$((tries + 1))
  [ "$tries" -lt 60 ] || { printf 'namespace %s is not available on %s: %s\n' "$namespace" "$address" "$existing" >&2; exit 1; }
  sleep 1
done

for attribute in FirebreakIncident:Keyword FirebreakSeverity:Keyword FirebreakPhase:Keyword FirebreakServices:KeywordList; do
  name="${attribute%%:*}"
  type="${attribute#*:}"
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "$name already registered"
  else
    "$temporal" operator search-attribute create --address "$address" --namespace "$namespace" --name "$name" --type "$type" >/dev/null
    echo "$name registered as $type"
  fi
done
