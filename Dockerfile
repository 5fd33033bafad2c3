# syntax=docker/dockerfile:1
# The `dungeon` binary in a small image, run as a user without privileges.
#   docker build -t dungeon .
#   docker run --rm -e DISCORD_TOKEN=... -p 127.0.0.1:9100:9100 dungeon
# docker-compose.yml runs it with Postgres and Redis.

ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-bookworm AS build
WORKDIR /src
COPY . .
# The registry and target/ are cache mounts: a rebuild after a code change
# only compiles what changed.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p bot --bin dungeon \
    && cp target/release/dungeon /usr/local/bin/dungeon

FROM debian:bookworm-slim
# ca-certificates: TLS to Discord and the LLM APIs; curl: the health check.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/dungeon --create-home dungeon
COPY --from=build /usr/local/bin/dungeon /usr/local/bin/dungeon
USER dungeon
WORKDIR /var/lib/dungeon
# SQLite by default (in the volume below); set DATABASE_URL for Postgres.
ENV DATABASE_URL=sqlite:///var/lib/dungeon/dungeon.db?mode=rwc \
    DUNGEON_HTTP__ADDRESS=0.0.0.0:9100 \
    DUNGEON_LOG__FORMAT=json
VOLUME ["/var/lib/dungeon"]
EXPOSE 9100
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s \
    CMD curl -fsS http://127.0.0.1:9100/health/ready >/dev/null || exit 1
ENTRYPOINT ["dungeon"]
CMD ["serve"]
