#!/usr/bin/env bash
# Stands up a real Thruk (dev server from a sni/Thruk checkout) with two Livestatus backends, an
# Icinga 2 core (Debian package) and a Naemon core (an existing build), all on 127.0.0.1, with a
# small deterministic estate and a superuser API key. See README.md beside this file.
# Run as root on Debian 12. Stop everything with stop.sh.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
STACK_DIR=${STACK_DIR:-/var/tmp/thruk-real-stack}
THRUK_SRC=${THRUK_SRC:-}
NAEMON_PREFIX=${NAEMON_PREFIX:-}
NAEMON_BIN=${NAEMON_BIN:-${NAEMON_PREFIX:+$NAEMON_PREFIX/bin/naemon}}
LIVESTATUS_MODULE=${LIVESTATUS_MODULE:-${NAEMON_PREFIX:+$NAEMON_PREFIX/lib/naemon-livestatus/livestatus.so}}
THRUK_PORT=${THRUK_PORT:-3000}
ICINGA_LS_PORT=${ICINGA_LS_PORT:-6557}
NAEMON_LS_PORT=${NAEMON_LS_PORT:-6558}
THRUK_USER=${THRUK_USER:-thruk-e2e}
SKIP_APT=${SKIP_APT:-0}
# How long to let both cores check everything before the seed commands (seconds).
SETTLE_SECONDS=${SETTLE_SECONDS:-45}

STARTED=0
die() {
  echo "real-stack: $*" >&2
  # Leave nothing half-running; the state directory stays for the logs.
  if [ "$STARTED" = 1 ]; then STACK_DIR="$STACK_DIR" KEEP_STATE=1 "$HERE/stop.sh" || true; fi
  exit 1
}
say() { echo "real-stack: $*" >&2; }

[ "$(id -u)" = 0 ] || die "run as root (it installs Debian packages and starts three daemons)"
[ -r /etc/debian_version ] || die "this script expects Debian (12 tested)"
[ -n "$THRUK_SRC" ] && [ -f "$THRUK_SRC/script/thruk_server.pl" ] || die "THRUK_SRC must be a checkout of sni/Thruk (script/thruk_server.pl not found in '${THRUK_SRC}')"
[ -n "$NAEMON_BIN" ] && [ -x "$NAEMON_BIN" ] || die "NAEMON_PREFIX (or NAEMON_BIN) must name an installed Naemon core (bin/naemon not found: '${NAEMON_BIN}')"
[ -n "$LIVESTATUS_MODULE" ] && [ -f "$LIVESTATUS_MODULE" ] || die "LIVESTATUS_MODULE must name naemon-livestatus' broker module (not found: '${LIVESTATUS_MODULE}')"
THRUK_SRC=$(cd "$THRUK_SRC" && pwd)

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$THRUK_PORT" "$ICINGA_LS_PORT" "$NAEMON_LS_PORT"; do
  if port_open "$p"; then die "127.0.0.1:$p is already in use (a stack still running? run stop.sh; or set THRUK_PORT/ICINGA_LS_PORT/NAEMON_LS_PORT)"; fi
done

if [ "$SKIP_APT" != 1 ]; then
  say "installing Debian packages (Icinga 2, monitoring plugins, Thruk's Perl modules)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Thruk's Makefile.PL requirements, each from Debian; the daemons are started by this script,
  # never by the packages (no service is enabled).
  apt-get install -y -qq --no-install-recommends \
    icinga2-bin icinga2-common monitoring-plugins-basic \
    libplack-perl libfcgi-perl libcpanel-json-xs-perl libwww-perl libhtml-parser-perl libgd-perl \
    libtemplate-perl libdate-calc-perl libdate-manip-perl libexcel-template-perl libio-string-perl \
    liblog-log4perl-perl libcrypt-rijndael-perl libmime-lite-perl libtie-ixhash-perl \
    libhtml-escape-perl libio-socket-ip-perl libnet-http-perl libhttp-message-perl liburi-perl \
    libglib2.0-0 >/dev/null
fi
command -v icinga2 >/dev/null || die "icinga2 is not installed"
[ -x /usr/lib/nagios/plugins/check_dummy ] || die "check_dummy missing (monitoring-plugins-basic)"

# Thruk refuses to run as root with root-owned state, so its dev server runs as a system user.
id "$THRUK_USER" >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$THRUK_USER"

# A fresh state directory on every start, so the estate is the same each time.
if [ -e "$STACK_DIR" ]; then
  [ -f "$STACK_DIR/.real-stack" ] || die "$STACK_DIR exists and was not made by this script; set STACK_DIR"
  rm -rf "$STACK_DIR"
fi
mkdir -p "$STACK_DIR"/{plugins,icinga2/var/log/compat/archives,icinga2/var/lib,icinga2/var/cache,icinga2/var/spool,icinga2/run} \
         "$STACK_DIR"/naemon/var/{tmp,checkresults,archives} "$STACK_DIR"/thruk/{etc,var,tmp}
touch "$STACK_DIR/.real-stack"
STARTED=1
chmod 755 "$STACK_DIR"
cp "$HERE/plugins/flap.sh" "$STACK_DIR/plugins/flap.sh"
chmod 755 "$STACK_DIR/plugins/flap.sh"

render() {
  sed -e "s#@STACK_DIR@#$STACK_DIR#g" -e "s#@ICINGA_LS_PORT@#$ICINGA_LS_PORT#g" \
      -e "s#@NAEMON_LS_PORT@#$NAEMON_LS_PORT#g" -e "s#@LIVESTATUS_MODULE@#$LIVESTATUS_MODULE#g" "$1" > "$2"
}

# --- Icinga 2 (site "icinga") -------------------------------------------------------------
render "$HERE/icinga2/icinga2.conf.in" "$STACK_DIR/icinga2/icinga2.conf"
cp "$HERE/icinga2/estate.conf" "$STACK_DIR/icinga2/estate.conf"
I2DEFS=(-DDataDir="$STACK_DIR/icinga2/var/lib" -DLogDir="$STACK_DIR/icinga2/var/log" -DCacheDir="$STACK_DIR/icinga2/var/cache"
        -DSpoolDir="$STACK_DIR/icinga2/var/spool" -DInitRunDir="$STACK_DIR/icinga2/run")
export ICINGA2_USER=root ICINGA2_GROUP=root
icinga2 daemon -C -c "$STACK_DIR/icinga2/icinga2.conf" "${I2DEFS[@]}" > "$STACK_DIR/icinga2/validate.log" 2>&1 \
  || die "Icinga 2 rejected the configuration; see $STACK_DIR/icinga2/validate.log"
icinga2 daemon -d -e "$STACK_DIR/icinga2/var/log/error.log" -c "$STACK_DIR/icinga2/icinga2.conf" "${I2DEFS[@]}" > /dev/null
say "Icinga 2 started (Livestatus 127.0.0.1:$ICINGA_LS_PORT)"

# --- Naemon (site "naemon") ---------------------------------------------------------------
render "$HERE/naemon/naemon.cfg.in" "$STACK_DIR/naemon/naemon.cfg"
cp "$HERE/naemon/estate.cfg" "$STACK_DIR/naemon/estate.cfg"
printf '$USER1$=/usr/lib/nagios/plugins\n$USER2$=%s/plugins\n$USER3$=%s/naemon/var\n' "$STACK_DIR" "$STACK_DIR" > "$STACK_DIR/naemon/resource.cfg"
"$NAEMON_BIN" --allow-root -v "$STACK_DIR/naemon/naemon.cfg" > "$STACK_DIR/naemon/verify.log" 2>&1 \
  || die "Naemon rejected the configuration; see $STACK_DIR/naemon/verify.log"
"$NAEMON_BIN" --allow-root -d "$STACK_DIR/naemon/naemon.cfg" > "$STACK_DIR/naemon/start.log" 2>&1 \
  || die "Naemon did not start; see $STACK_DIR/naemon/start.log"
say "Naemon started (Livestatus 127.0.0.1:$NAEMON_LS_PORT)"

# --- Thruk (dev server from the checkout) ---------------------------------------------------
cp "$THRUK_SRC/thruk.conf" "$STACK_DIR/thruk/etc/thruk.conf"
# The exported cgi.cfg answers unauthenticated requests as thrukadmin; keys only here.
sed -e 's/^default_user_name=/#default_user_name=/' "$THRUK_SRC/cgi.cfg" > "$STACK_DIR/thruk/etc/cgi.cfg"
render "$HERE/thruk/thruk_local.conf.in" "$STACK_DIR/thruk/etc/thruk_local.conf"
chown -R "$THRUK_USER:$THRUK_USER" "$STACK_DIR/thruk/var" "$STACK_DIR/thruk/tmp"

as_thruk() { (cd "$THRUK_SRC" && setpriv --reuid="$THRUK_USER" --regid="$THRUK_USER" --init-groups env -i PATH=/usr/bin:/bin HOME=/nonexistent THRUK_CONFIG="$STACK_DIR/thruk/etc" PERL5LIB=lib "$@"); }
# -o 127.0.0.1: the dev server binds every address unless told.
(cd "$THRUK_SRC" && exec setpriv --reuid="$THRUK_USER" --regid="$THRUK_USER" --init-groups \
   env -i PATH=/usr/bin:/bin HOME=/nonexistent THRUK_CONFIG="$STACK_DIR/thruk/etc" \
   perl script/thruk_server.pl -o 127.0.0.1 -p "$THRUK_PORT" > "$STACK_DIR/thruk/server.log" 2>&1 < /dev/null) &
echo $! > "$STACK_DIR/thruk/server.pid"

wait_port() {
  local i
  for i in $(seq 1 "$2"); do port_open "$1" && return 0; sleep 1; done
  return 1
}
wait_port "$ICINGA_LS_PORT" 30 || die "Icinga 2 Livestatus did not open 127.0.0.1:$ICINGA_LS_PORT; see $STACK_DIR/icinga2/var/log/icinga2.log"
wait_port "$NAEMON_LS_PORT" 30 || die "Naemon Livestatus did not open 127.0.0.1:$NAEMON_LS_PORT; see $STACK_DIR/naemon/var/naemon.log"
wait_port "$THRUK_PORT" 90 || die "Thruk did not open 127.0.0.1:$THRUK_PORT; see $STACK_DIR/thruk/server.log"
say "Thruk started (http://127.0.0.1:$THRUK_PORT/thruk)"

# --- API keys --------------------------------------------------------------------------------
new_key() {
  local out key
  out=$(as_thruk perl script/thruk apikey create "$@") || die "thruk apikey create failed"
  key=$(printf '%s\n' "$out" | sed -n 's/^SECRET: \([0-9a-zA-Z_]*\).*/\1/p')
  [ -n "$key" ] || die "thruk apikey create printed no key"
  printf '%s' "$key"
}
SUPER_KEY=$(new_key --superuser --comment=thruk-mcp-e2e-superuser)
USER_KEY=$(new_key --user=thrukadmin --comment=thruk-mcp-e2e-thrukadmin)
# `apikey create --superuser` writes "roles": [], which restricts the key to no roles at all
# (every query answers [] or zeros). Drop the attribute (reference: Thruk CLI note).
for f in "$STACK_DIR"/thruk/var/api_keys/*; do
  perl -0pi -e 's/\n\s*"roles"\s*:\s*\[\]\s*,?//' "$f"
done
chown -R "$THRUK_USER:$THRUK_USER" "$STACK_DIR/thruk/var/api_keys"
( umask 077
  { echo "# thruk-mcp real stack, $(date -u +%FT%TZ). Secrets: keep this file private."
    echo "THRUK_E2E_URL=http://127.0.0.1:$THRUK_PORT/thruk"
    echo "THRUK_E2E_KEY=$SUPER_KEY"
    echo "THRUK_E2E_USER_KEY=$USER_KEY"
  } > "$STACK_DIR/e2e.env" )
unset SUPER_KEY USER_KEY

# --- Seed: what config cannot express --------------------------------------------------------
# Sent straight to each core's Livestatus (COMMAND lines), the same path Thruk's commands take.
ls_command() {
  perl -MIO::Socket::IP -e '
    my ($port, $line) = @ARGV;
    my $s = IO::Socket::IP->new(PeerHost => "127.0.0.1", PeerPort => $port, Timeout => 5) or die "connect $port: $!\n";
    print $s "COMMAND [" . time() . "] $line\n\n"; close $s;' "$1" "$2"
}
say "letting both cores check the estate for ${SETTLE_SECONDS}s"
sleep "$SETTLE_SECONDS"
now=$(date +%s); day=$((now + 86400))
# Passive results (the passive services have no active check).
ls_command "$ICINGA_LS_PORT" "PROCESS_SERVICE_CHECK_RESULT;mail-01;passive-job;1;WARNING - nightly job took 5 h|runtime=18000s;14400;28800"
ls_command "$NAEMON_LS_PORT" "PROCESS_SERVICE_CHECK_RESULT;nae-db-01;passive-job;1;WARNING - nightly job took 5 h|runtime=18000s;14400;28800"
# A downtime on Naemon (Icinga 2's comes from a ScheduledDowntime object in estate.conf).
ls_command "$NAEMON_LS_PORT" "SCHEDULE_SVC_DOWNTIME;nae-db-01;replication;$now;$day;1;0;0;real-stack;replica rebuild (seeded by start.sh)"
# One handled problem per core: a sticky acknowledgement with a comment.
ls_command "$ICINGA_LS_PORT" "ACKNOWLEDGE_SVC_PROBLEM;db-01;mysql;2;0;1;real-stack;known outage (seeded by start.sh)"
ls_command "$NAEMON_LS_PORT" "ACKNOWLEDGE_HOST_PROBLEM;nae-switch-01;2;0;1;real-stack;switch replacement ordered (seeded by start.sh)"
ls_command "$ICINGA_LS_PORT" "ADD_HOST_COMMENT;web-01;1;real-stack;the icinga web-01 (seeded by start.sh)"
ls_command "$NAEMON_LS_PORT" "ADD_HOST_COMMENT;web-01;1;real-stack;the naemon web-01 (seeded by start.sh)"
sleep 5

cat >&2 <<EOF
real-stack: up. Thruk http://127.0.0.1:$THRUK_PORT/thruk, sites icinga and naemon.
  Keys and URL:  $STACK_DIR/e2e.env (mode 600)
  Run the suite: set -a; . $STACK_DIR/e2e.env; set +a
                 npm run test:real -- --service icinga:web-01:http --service naemon:nae-db-01:load \\
                   --passive icinga:mail-01:passive-job --passive naemon:nae-db-01:passive-job
  Stop:          $HERE/stop.sh   (STACK_DIR=$STACK_DIR)
EOF
