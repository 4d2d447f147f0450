#!/usr/bin/env bash
# Serve the CRM as production does (`./dev serve` runs this after collectstatic and migrate): gunicorn
# (crm/gunicorn.conf.py) and, beside it, WORKERS task workers (`manage.py db_worker`, default 2) that run the
# background jobs. One command, one group of processes:
#   - a worker that stops on its own is started again (after a second);
#   - when gunicorn exits, or this script gets SIGTERM / SIGINT, every worker gets SIGTERM (it finishes the task
#     it is running) and the script exits with gunicorn's status.
# PYTHON: the project's interpreter (default .venv/bin/python); gunicorn is taken from beside it.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
WORKERS=${WORKERS:-2}
case "$WORKERS" in
  '' | *[!0-9]*) echo "WORKERS must be a whole number (0 for none), not '$WORKERS'." >&2; exit 2 ;;
esac

declare -A workers=()  # pid → worker number
GUNICORN=""
stopping=""

start_worker() {
  "$PY" manage.py db_worker --no-reload --worker-id "$(hostname)-$$-$1" &
  workers[$!]=$1
}

stop_all() {
  stopping=1
  [ -n "$GUNICORN" ] && kill -TERM "$GUNICORN" 2>/dev/null
  for pid in "${!workers[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  wait
}

trap 'stop_all; exit 143' TERM
trap 'stop_all; exit 130' INT

for n in $(seq 1 "$WORKERS"); do start_worker "$n"; done
"$(dirname "$PY")/gunicorn" -c crm/gunicorn.conf.py crm.wsgi &
GUNICORN=$!
echo "serve: gunicorn (pid $GUNICORN) and $WORKERS task worker(s) (pids ${!workers[*]})" >&2

while true; do
  finished=""
  wait -n -p finished
  status=$?
  [ -n "$stopping" ] && break
  if [ "$finished" = "$GUNICORN" ]; then
    echo "serve: gunicorn exited ($status): stopping the task workers" >&2
    GUNICORN=""
    stop_all
    exit "$status"
  elif [ -n "$finished" ] && [ -n "${workers[$finished]:-}" ]; then
    n=${workers[$finished]}
    unset "workers[$finished]"
    echo "serve: task worker $n (pid $finished) exited ($status): starting it again" >&2
    sleep 1
    start_worker "$n"
  fi
done
