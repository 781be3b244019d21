#!/bin/sh
# Container entry point: bring the database schema up to date, then hand over to
# `pathbot` with the container's arguments (default: `run`). Migrating here is
# what lets a fresh PostgreSQL container work without a manual step; set
# PATHBOT_SKIP_MIGRATE=1 to manage migrations yourself (`pathbot db upgrade`).
set -eu
if [ "${PATHBOT_SKIP_MIGRATE:-0}" != "1" ]; then
    pathbot db upgrade
fi
exec pathbot "$@"
