# pathbot: one image for the bot; PostgreSQL runs beside it (see README "Deployment").
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
RUN python -m venv /opt/pathbot \
 && /opt/pathbot/bin/pip install --no-cache-dir --upgrade pip \
 && /opt/pathbot/bin/pip install --no-cache-dir '.[all]'

FROM python:3.11-slim
# Non-root, with its data (SQLite, Chroma index, lock file) on a volume.
RUN useradd --create-home --uid 10001 pathbot
COPY --from=build /opt/pathbot /opt/pathbot
WORKDIR /app
COPY curriculum ./curriculum
COPY migrations ./migrations
COPY alembic.ini* ./
COPY docker/entrypoint.sh /usr/local/bin/pathbot-entrypoint
ENV PATH="/opt/pathbot/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PATHBOT_DATA_DIR=/data \
    PATHBOT_CURRICULUM=/app/curriculum/ai-engineering.yaml \
    PATHBOT_MIGRATIONS_DIR=/app/migrations
RUN mkdir -p /data && chown pathbot:pathbot /data
VOLUME ["/data"]
USER pathbot
ENTRYPOINT ["pathbot-entrypoint"]
CMD ["run"]
