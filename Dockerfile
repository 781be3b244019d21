# pathbot: one image for the bot; PostgreSQL runs beside it (see README "Deployment").
FROM python:3.11-slim

# Non-root, with its data (SQLite, Chroma index, lock file) on a volume.
RUN useradd --create-home --uid 10001 pathbot \
 && mkdir -p /data && chown pathbot:pathbot /data

WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md LICENSE ./
COPY bot/__init__.py ./bot/__init__.py
RUN python -m venv /opt/pathbot \
 && /opt/pathbot/bin/pip install --no-cache-dir --upgrade pip \
 && /opt/pathbot/bin/pip install --no-cache-dir '.[all]' \
 && /opt/pathbot/bin/pip uninstall --yes pathbot

# The code, the curriculum and the migrations keep the repository's layout: pathbot
# finds curriculum/ and migrations/ beside its package, as in a checkout.
COPY bot ./bot
COPY curriculum ./curriculum
COPY migrations ./migrations
RUN /opt/pathbot/bin/pip install --no-cache-dir --no-deps -e . \
 && /opt/pathbot/bin/pathbot curriculum validate
COPY docker/entrypoint.sh /usr/local/bin/pathbot-entrypoint

ENV PATH="/opt/pathbot/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PATHBOT_DATA_DIR=/data
VOLUME ["/data"]
USER pathbot
ENTRYPOINT ["pathbot-entrypoint"]
CMD ["run"]
