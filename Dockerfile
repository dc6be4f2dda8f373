# Builds `oko` and the SPA, then ships them on a slim Debian. No bundler to
# compile: the SPA is assembled by the workspace's own `spa-build`
# (wasm-bindgen as a library) and shrunk with npm's binaryen.
FROM rust:1.88-bookworm AS build
WORKDIR /src
RUN rustup target add wasm32-unknown-unknown \
 && apt-get update && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cargo build --release --package oko-api --bin oko \
 && cargo xtask spa

FROM debian:bookworm-slim
# postgresql-client: `oko backup` / `oko restore` run pg_dump and pg_restore.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates postgresql-client \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/oko /usr/local/bin/oko
COPY --from=build /src/frontend/dist /srv/oko/spa
ENV OKO_LISTEN=0.0.0.0:8080 OKO_DATA_DIR=/var/lib/oko OKO_SPA_DIR=/srv/oko/spa
VOLUME /var/lib/oko
EXPOSE 8080
CMD ["oko", "serve"]
