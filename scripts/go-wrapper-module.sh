# shellcheck shell=bash
# Sourced by the scripts that build Pulumi's Go programs from Go modules (install-pulumi.sh, install-yaml-host.sh).
# Expects PULUMI_VERSION to be set.

# new_wrapper DIR MODULE@VERSION...: a throwaway module in DIR that requires the
# given modules and mirrors their go.mod `replace` directives (go build ignores
# replaces of dependencies). Local replaces (=> ../sdk) are the sibling modules of
# the same release, which the wrapper requires at PULUMI_VERSION instead.
new_wrapper() {
  local dir=$1 spec gomod go_directive=""
  shift
  mkdir -p "$dir"
  printf 'module example.invalid/pulumi-tools-build\n' >"$dir/go.mod"
  for spec in "$@"; do
    gomod=$(cd "$dir" && go mod download -json "$spec" | node -e '
      const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
      if (j.Error) { console.error(j.Error); process.exit(1); }
      console.log(j.GoMod);')
    (cd "$dir" && go mod edit -require="$spec")
    # shellcheck disable=SC2016 # the ${...} below are JavaScript
    while IFS= read -r line; do
      case $line in
      go\ *) [[ -n $go_directive ]] || go_directive=${line#go } ;;
      replace\ *) (cd "$dir" && go mod edit -replace="${line#replace }") ;;
      esac
    done < <(go mod edit -json "$gomod" | node -e '
      const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
      console.log("go " + j.Go);
      for (const r of j.Replace ?? []) {
        if (!r.New.Version) continue; // a local path inside the upstream repo
        const old = r.Old.Version ? `${r.Old.Path}@${r.Old.Version}` : r.Old.Path;
        console.log(`replace ${old}=${r.New.Path}@${r.New.Version}`);
      }')
  done
  (cd "$dir" && go mod edit -go="$go_directive" \
    -require="github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION")
}

