# ingest as a batch-job image. Build: docker build -t ingest .   (with Ray: --build-arg EXTRAS=ray)
# Run:  docker run --rm -v /srv/drop:/data/drop:ro -v /srv/corpus:/data/corpus ingest
# The default command is the nightly run of docs/batch.md: incremental, JSON logs, exit codes
# a scheduler can alert on. SIGTERM (docker stop) stops cleanly after the current input.
FROM python:3.11-slim

ARG EXTRAS=""
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY ingest ./ingest
COPY rules ./rules
# A regular install: the wheel carries the shipped rules under <prefix>/share/ingest/rules.
RUN pip install ".${EXTRAS:+[$EXTRAS]}" \
    && useradd --create-home --uid 10001 ingest \
    && mkdir -p /data/drop /data/corpus \
    && chown ingest:ingest /data/corpus

USER ingest
VOLUME ["/data/corpus"]
ENTRYPOINT ["ingest"]
CMD ["run", "/data/drop", "--output", "/data/corpus/", "--log-format", "json"]
