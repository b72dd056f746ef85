#!/bin/sh
# Start Pink Breast in production: check the environment, migrate the database, serve.
#
#   deploy/boot.sh            (the container's command; App Service's startup command)
#
# 1. `pinkbreast check-config --will-migrate` prints one line per finding and stops the boot
#    when anything is an error (missing SECRET_KEY, database unreachable, read-only or full
#    instance folder, no champion model, ...). A schema behind head is fine: step 2 fixes it.
# 2. `pinkbreast db upgrade` brings the database to the current schema (Alembic; does nothing
#    when it is at head already). With several instances, let one start (or a release job
#    migrate) before the others: two instances migrating one database at once can collide.
# 3. gunicorn replaces this shell (exec), so it receives SIGTERM directly and shuts down
#    gracefully (graceful_timeout in deploy/gunicorn.conf.py).
#
# PINKBREAST_BIN_DIR may point at the virtualenv's bin/ when it is not on PATH.
set -eu

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
bin=${PINKBREAST_BIN_DIR:+$PINKBREAST_BIN_DIR/}

if ! "${bin}pinkbreast" check-config --will-migrate; then
    echo "boot: the environment is not ready (see the error lines above); not starting." >&2
    exit 1
fi
"${bin}pinkbreast" db upgrade
exec "${bin}gunicorn" --config "$here/gunicorn.conf.py" pinkbreast.wsgi:app
