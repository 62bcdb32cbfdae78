#!/usr/bin/env bash
# Smoke test of smtpfixture-server, driven the way a script would drive it:
# start it, read its JSON line, send one message with curl over STARTTLS,
# find the message in the dump directory, stop it with SIGTERM.
#
# Usage: smoke_test.sh PATH/TO/smtpfixture-server [PATH/TO/curl]
set -euo pipefail

server_bin=${1:?usage: smoke_test.sh SERVER [CURL]}
curl_bin=${2:-curl}
timeout_s=$((30 * ${SMTPFIXTURE_TIMEOUT_MULTIPLIER:-1}))

work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  [[ -s $work/stderr ]] && sed 's/^/  server: /' "$work/stderr" >&2
  exit 1
}

# A coprocess, so that its first line can be read as soon as it is printed.
coproc SERVER {
  exec "$server_bin" --tls starttls-required --dump-dir "$work/mail" \
    2>"$work/stderr"
}
# shellcheck disable=SC2153 # SERVER_PID is set by coproc
server_pid=$SERVER_PID
read -r -t "$timeout_s" -u "${SERVER[0]}" ready ||
  fail "no JSON line on stdout"
echo "server: $ready"

json_field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" <<<"$ready"; }
url=$(json_field url)
ca_file=$(json_field ca_file)
[[ $url == smtp://localhost:* ]] || fail "unexpected url '$url'"
[[ $(json_field tls) == starttls-required ]] || fail "unexpected tls"
[[ -s $ca_file ]] || fail "no CA file at '$ca_file'"

printf '%s\r\n' 'From: alice@example.com' 'To: bob@example.com' \
  'Subject: smoke test' '' 'Hello from the smoke test.' >"$work/message.txt"
"$curl_bin" --silent --show-error --max-time "$timeout_s" --url "$url" \
  --ssl-reqd --cacert "$ca_file" \
  --mail-from alice@example.com --mail-rcpt bob@example.com \
  --upload-file "$work/message.txt" || fail "curl could not send"

# The server dumps from its own thread, just after the 250: give it until
# the deadline. (Files appear complete: they are written, then renamed.)
deadline=$((SECONDS + timeout_s))
until [[ -e $work/mail/1.eml ]]; do
  ((SECONDS < deadline)) || fail "no $work/mail/1.eml"
  sleep 0.05
done
grep -q '^Subject: smoke test' "$work/mail/1.eml" ||
  fail "1.eml does not hold the message"

kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=
((status == 0)) || fail "exit status $status after SIGTERM"
grep -q 'messages=1 sessions=1' "$work/stderr" ||
  fail "unexpected summary: $(cat "$work/stderr")"
echo "PASS"
