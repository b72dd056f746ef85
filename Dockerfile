# syntax=docker/dockerfile:1
# Pink Breast production image: `docker build -t pinkbreast .` (see docs/deploy-linux.md).
#
#   --build-arg BAKE_MODEL=1   train a champion (`pinkbreast train --quick`) into the image's own
#                              MLflow store; otherwise set MLFLOW_TRACKING_URI to a registry
#                              that holds pinkbreast@champion (compose.yaml does).
#   --build-arg EXTRAS=azure   add Azure Monitor telemetry (pinkbreast[azure]).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---- builder: a virtualenv with the pinned dependencies and the package --------------------
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY requirements/constraints.txt requirements/constraints.txt
COPY pyproject.toml README.md ./
COPY src ./src
ARG EXTRAS=""
RUN pip install --upgrade pip==26.3 \
    && pip install -c requirements/constraints.txt ".${EXTRAS:+[$EXTRAS]}"

# ---- model: optionally train a champion into /opt/pinkbreast/mlflow --------------------------
FROM builder AS model
# lightgbm needs the OpenMP runtime to train
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*
ARG BAKE_MODEL=0
ENV PINKBREAST_INSTANCE=/opt/pinkbreast/mlflow \
    DATABASE_URL=sqlite:////tmp/build-cases.db
RUN mkdir -p /opt/pinkbreast/mlflow \
    && if [ "$BAKE_MODEL" = "1" ]; then \
        pinkbreast db upgrade \
        && pinkbreast data load-reference \
        && pinkbreast train --quick \
        && rm -f /opt/pinkbreast/mlflow/secret_key /tmp/build-cases.db; \
    fi

# ---- runtime: the venv, the model store if baked, no compiler, not root --------------------
FROM ${PYTHON_IMAGE} AS runtime
# libgomp1: the OpenMP runtime lightgbm's wheel links against (not a build tool). Debian
# package versions are not pinned: the base image tag fixes the release, security fixes flow.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 pinkbreast \
    && useradd --system --uid 10001 --gid pinkbreast --home-dir /app \
        --shell /usr/sbin/nologin pinkbreast
COPY --from=builder /opt/venv /opt/venv
COPY --from=model --chown=pinkbreast:pinkbreast /opt/pinkbreast/mlflow /opt/pinkbreast/mlflow
WORKDIR /app
COPY --chmod=0755 deploy/boot.sh deploy/gunicorn.conf.py ./deploy/
RUN mkdir -p /app/instance && chown pinkbreast:pinkbreast /app/instance
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PINKBREAST_ENV=production \
    PINKBREAST_INSTANCE=/app/instance \
    PINKBREAST_HOST=0.0.0.0 \
    PINKBREAST_PORT=8000 \
    MLFLOW_TRACKING_URI=sqlite:////opt/pinkbreast/mlflow/mlflow.db
USER 10001:10001
EXPOSE 8000
# /readyz answers 200 once the database answers and this worker has loaded the champion.
HEALTHCHECK --interval=30s --timeout=10s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('PINKBREAST_PORT', '8000'), timeout=8)"]
CMD ["/app/deploy/boot.sh"]
