#!/usr/bin/env bash
# Package.Deb: the Debian package end to end, on this machine, for real.
#
#   tests/package/deb_test.sh [--binary PATH]     (or TILLPIPE_BINARY=PATH)
#
# Builds the .deb from the given binary, lints it, serves it from a local
# flat apt repository, installs it with apt-get, runs the installed server as
# the tillpipe user (ingest, query, clean stop), then removes and purges it
# and checks that nothing is left. It changes the machine (a package, a
# system user, /etc/tillpipe, /var/lib/tillpipe, an apt source) and undoes
# all of it, also on failure.
#
# Exit 77 (ctest's SKIP_RETURN_CODE) with the reason where it cannot run
# safely: no dpkg/apt-get, not root, or a tillpipe install (or its leftovers)
# that a purge would destroy.
set -euo pipefail

SKIP=77
here="$(cd "$(dirname "$0")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"

binary="${TILLPIPE_BINARY:-}"
while (($#)); do
  case "$1" in
    --binary)
      binary=$2
      shift 2
      ;;
    *)
      echo "usage: $0 [--binary PATH]" >&2
      exit 2
      ;;
  esac
done
if [[ -z $binary ]]; then
  echo "deb_test: name the tillpipe binary with --binary PATH or TILLPIPE_BINARY" >&2
  exit 2
fi
binary="$(realpath "$binary")"

skip() {
  echo "SKIP: $*"
  # Our apt source outliving a run means a run was killed before its cleanup.
  if [[ -e /etc/apt/sources.list.d/tillpipe-deb-test.list ]]; then
    echo "      (a killed Package.Deb run may have left this: apt-get purge tillpipe;" \
      "rm /etc/apt/sources.list.d/tillpipe-deb-test.list)"
  fi
  exit "$SKIP"
}
for tool in dpkg dpkg-deb apt-get; do
  command -v "$tool" >/dev/null || skip "$tool is not available (not a Debian system)"
done
[[ $(id -u) -eq 0 ]] || skip "installing a package needs root"
# Never touch a real install: a purge at the end would delete its data.
state="$(dpkg-query -W -f='${db:Status-Status}' tillpipe 2>/dev/null || true)"
if [[ -n $state && $state != not-installed ]]; then
  skip "a tillpipe package is already on this machine (dpkg state '$state')"
fi
for leftover in /etc/tillpipe /var/lib/tillpipe; do
  [[ ! -e $leftover ]] || skip "$leftover exists (an install made another way?); the test's purge would delete it"
done
if getent passwd tillpipe >/dev/null || getent group tillpipe >/dev/null; then
  skip "a tillpipe user or group exists already; the test's purge would delete it"
fi

# What the test needs beyond dpkg/apt is installed by packaging/install-deps.sh;
# its absence is a broken test setup, not a reason to skip.
for tool in lintian apt-ftparchive dpkg-shlibdeps curl runuser; do
  command -v "$tool" >/dev/null || {
    echo "FAIL: $tool is missing; run packaging/install-deps.sh" >&2
    exit 1
  }
done

started=$SECONDS
step() { echo "--- [$((SECONDS - started))s] $*"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

work="$(mktemp -d /tmp/tillpipe-deb-test.XXXXXX)"
# apt reads a file: repository as the _apt user when it can.
chmod 755 "$work"
source_list=/etc/apt/sources.list.d/tillpipe-deb-test.list
apt_lists_prefix="/var/lib/apt/lists/_$(printf '%s' "${work#/}/repo" | tr / _)_._"
installed_by_us=0
runuser_pid=
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-o DPkg::Lock::Timeout=120 -o Dpkg::Use-Pty=0)

cleanup() {
  local rc=$?
  set +e
  if [[ -n $runuser_pid ]] && kill -0 "$runuser_pid" 2>/dev/null; then
    pkill -KILL -P "$runuser_pid"
    kill -KILL "$runuser_pid"
    wait "$runuser_pid" 2>/dev/null
  fi
  # Undo an install this run made, whatever state it got to.
  if ((installed_by_us)) && dpkg-query -W tillpipe >/dev/null 2>&1; then
    echo "cleanup: purging tillpipe"
    apt-get "${apt_opts[@]}" purge -y -q tillpipe >/dev/null 2>&1 || dpkg --purge tillpipe >/dev/null 2>&1
  fi
  rm -f "$source_list" "$apt_lists_prefix"*
  rm -rf "$work"
  if ((rc == 0)); then
    echo "PASS: Package.Deb in $((SECONDS - started))s"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

step "building the package from $binary"
deb="$("$repo_root/packaging/build-deb" "$work/out" --binary "$binary")"
[[ -f $deb ]] || fail "build-deb did not write a package"
version="$("$binary" version)"
version="${version#tillpipe }"
[[ $(basename "$deb") == "tillpipe_${version}_$(dpkg --print-architecture).deb" ]] ||
  fail "unexpected package name $(basename "$deb")"

step "lintian"
lintian_out="$(lintian --tag-display-limit 0 "$deb" 2>&1 | grep -v 'running with root privileges' || true)"
printf '%s\n' "$lintian_out"
if grep -q '^E:' <<<"$lintian_out"; then
  fail "lintian reports errors"
fi

step "local apt repository and apt-get install"
"$repo_root/packaging/build-apt-repo" "$work/repo" "$deb"
echo "deb [trusted=yes] file:$work/repo ./" >"$source_list"
# Only this source: the test must not depend on the network or the mirrors.
apt-get "${apt_opts[@]}" update -q -o Dir::Etc::sourcelist="$source_list" \
  -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0
installed_by_us=1
apt-get "${apt_opts[@]}" install -y -q tillpipe
[[ $(dpkg-query -W -f='${Version}' tillpipe) == "$version" ]] || fail "installed version is not $version"

step "installed files, user, directories, conffile"
for f in /usr/bin/tillpipe /lib/systemd/system/tillpipe.service /usr/share/man/man1/tillpipe.1.gz \
  /usr/share/doc/tillpipe/copyright /usr/share/doc/tillpipe/changelog.gz /etc/tillpipe/tillpipe.toml; do
  [[ -f $f ]] || fail "$f is missing"
done
getent passwd tillpipe >/dev/null || fail "no user tillpipe"
getent group tillpipe >/dev/null || fail "no group tillpipe"
[[ $(id -gn tillpipe) == tillpipe ]] || fail "the user tillpipe's primary group is not tillpipe"
[[ $(stat -c '%U:%G %a' /var/lib/tillpipe) == "tillpipe:tillpipe 750" ]] ||
  fail "/var/lib/tillpipe is $(stat -c '%U:%G %a' /var/lib/tillpipe), want tillpipe:tillpipe 750"
[[ $(stat -c '%U:%G %a' /etc/tillpipe/tillpipe.toml) == "root:tillpipe 640" ]] ||
  fail "/etc/tillpipe/tillpipe.toml is $(stat -c '%U:%G %a' /etc/tillpipe/tillpipe.toml), want root:tillpipe 640"
dpkg-query -W -f='${Conffiles}\n' tillpipe | grep -q '^ /etc/tillpipe/tillpipe.toml ' ||
  fail "/etc/tillpipe/tillpipe.toml is not a conffile"
grep -q '^data_dir = "/var/lib/tillpipe"$' /etc/tillpipe/tillpipe.toml || fail "the config's data_dir is not /var/lib/tillpipe"
[[ -L /etc/systemd/system/multi-user.target.wants/tillpipe.service ]] || fail "the unit is not enabled"
/usr/bin/tillpipe validate -c /etc/tillpipe/tillpipe.toml || fail "the installed config does not validate"
[[ $(/usr/bin/tillpipe version) == "tillpipe $version" ]] || fail "tillpipe version"
dpkg-query -L tillpipe | sort >"$work/files"

# The unit as systemd reads it (offline: no running systemd needed). The
# exposure score guards the sandbox against a careless edit; see
# packaging/README.md for today's score and what is left open.
if command -v systemd-analyze >/dev/null; then
  step "systemd-analyze verify and security"
  verify_out="$(systemd-analyze verify /lib/systemd/system/tillpipe.service 2>&1)" ||
    fail "systemd-analyze verify: $verify_out"
  if grep -q 'tillpipe' <<<"$verify_out"; then fail "systemd-analyze verify: $verify_out"; fi
  exposure="$(systemd-analyze security --offline=true /lib/systemd/system/tillpipe.service 2>&1 |
    sed -n 's/.*Overall exposure level for tillpipe.service: \([0-9.]*\).*/\1/p')"
  echo "exposure: ${exposure:-?}"
  if [[ -z $exposure ]] || ! awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }'; then
    fail "systemd-analyze security rates the unit ${exposure:-?}, want 2.0 or less"
  fi
fi

# On a machine booted with systemd, postinst started the service; it holds
# the data directory's lock, so it is stopped for the manual run below.
if [[ -d /run/systemd/system ]]; then
  echo "systemd runs this machine: the service is $(systemctl is-active tillpipe || true); stopping it"
  systemctl stop tillpipe
fi

step "serving as the tillpipe user"
runuser -u tillpipe -- /usr/bin/tillpipe serve -c /etc/tillpipe/tillpipe.toml --listen 127.0.0.1:0 \
  2>"$work/serve.log" &
runuser_pid=$!
port=
for _ in $(seq 300); do
  port="$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$work/serve.log" | head -n 1)"
  [[ -n $port ]] && break
  kill -0 "$runuser_pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n $port ]] || {
  cat "$work/serve.log" >&2
  fail "the server did not say where it listens"
}
url="http://127.0.0.1:$port"
ready=0
for _ in $(seq 300); do
  if [[ $(curl -s -o /dev/null -w '%{http_code}' "$url/ready") == 200 ]]; then
    ready=1
    break
  fi
  sleep 0.1
done
((ready)) || {
  cat "$work/serve.log" >&2
  fail "GET /ready did not answer 200 within 30 s"
}
server_pid="$(pgrep -P "$runuser_pid" -x tillpipe)" || fail "no tillpipe process under runuser"
[[ $(ps -o user= -p "$server_pid") == tillpipe ]] || fail "the server does not run as tillpipe"

step "ingest and query"
now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
for i in 1 2 3 4 5; do
  printf '{"order_id":"o-deb-%d","customer_id":"c-deb-%d","status":"paid","city":"Porto","state":"PT","delivery":"standard","payment_type":"card","items":%d,"total":%d.25,"purchased_at":"%s","delivered_at":null}\n' \
    "$i" "$i" "$i" "$((i * 10))" "$now"
done >"$work/orders.ndjson"
answer="$(curl -sS -X POST --data-binary @"$work/orders.ndjson" "$url/api/v1/ingest/orders")"
echo "ingest: $answer"
grep -q '"accepted":5' <<<"$answer" || fail "ingest did not accept 5 records"
# A record is queryable once the materializer decoded it: poll briefly.
count=
for _ in $(seq 100); do
  answer="$(curl -sS -X POST -H 'Content-Type: application/json' \
    -d '{"sql":"SELECT count(*) AS n FROM orders"}' "$url/api/v1/query")"
  count="$(sed -n 's/.*"rows":\[\[\([0-9]*\)\]\].*/\1/p' <<<"$answer")"
  [[ $count == 5 ]] && break
  sleep 0.2
done
echo "query: $answer"
[[ $count == 5 ]] || fail "the API counts ${count:-no} orders, want 5"

step "clean stop"
kill -TERM "$server_pid"
serve_rc=0
wait "$runuser_pid" || serve_rc=$?
runuser_pid=
cat "$work/serve.log"
((serve_rc == 0)) || fail "the server exited with $serve_rc after SIGTERM"
# The stop flushed the tables to Parquet; read them back the CLI way.
count="$(cd / && runuser -u tillpipe -- /usr/bin/tillpipe query --data-dir /var/lib/tillpipe \
  -c /etc/tillpipe/tillpipe.toml --format csv "SELECT count(*) AS n, sum(total) AS t FROM orders")"
echo "$count"
[[ $count == $'n,t\n5,151.25' ]] || fail "tillpipe query read back '$count', want 5 orders totalling 151.25"
ls /var/lib/tillpipe/tables/orders/date=*/*.parquet >/dev/null || fail "no Parquet file for orders"
not_ours="$(find /var/lib/tillpipe ! -user tillpipe -o ! -group tillpipe)"
[[ -z $not_ours ]] || fail "not owned by tillpipe:tillpipe: $not_ours"

step "apt-get remove keeps the config and the data"
apt-get "${apt_opts[@]}" remove -y -q tillpipe
[[ $(dpkg-query -W -f='${db:Status-Abbrev}' tillpipe) == "rc " ]] || fail "tillpipe is not in state rc after remove"
[[ ! -e /usr/bin/tillpipe ]] || fail "/usr/bin/tillpipe is still there after remove"
[[ -f /etc/tillpipe/tillpipe.toml ]] || fail "remove deleted the config"
[[ -f /var/lib/tillpipe/catalog.sqlite ]] || fail "remove deleted the data"
getent passwd tillpipe >/dev/null || fail "remove deleted the user"

step "apt-get purge leaves nothing"
apt-get "${apt_opts[@]}" purge -y -q tillpipe
if dpkg -s tillpipe >/dev/null 2>&1; then fail "dpkg -s tillpipe still succeeds"; fi
for gone in /etc/tillpipe /var/lib/tillpipe /etc/systemd/system/multi-user.target.wants/tillpipe.service \
  /var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/tillpipe.service \
  /var/lib/systemd/deb-systemd-helper-enabled/tillpipe.service.dsh-also; do
  [[ ! -e $gone && ! -L $gone ]] || fail "$gone is left after purge"
done
if getent passwd tillpipe >/dev/null; then fail "the user tillpipe is left after purge"; fi
if getent group tillpipe >/dev/null; then fail "the group tillpipe is left after purge"; fi
if dpkg-statoverride --list /etc/tillpipe/tillpipe.toml >/dev/null; then
  fail "the dpkg-statoverride for the config is left after purge"
fi
# Every file and package-specific directory the package had installed.
# Shared directories (/usr/bin, and /lib, a symlink on merged-/usr systems)
# belong to other packages too and stay.
while IFS= read -r path; do
  if [[ -d $path ]]; then
    [[ $path != *tillpipe* ]] || fail "$path (from dpkg -L) is left after purge"
  elif [[ -e $path || -L $path ]]; then
    fail "$path (from dpkg -L) is left after purge"
  fi
done <"$work/files"
installed_by_us=0
