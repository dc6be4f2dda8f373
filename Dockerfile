# Builds `oko` and the SPA, then ships them on a slim Debian.
FROM rust:1.88-bookworm AS build
WORKDIR /src
RUN rustup target add wasm32-unknown-unknown \
 && cargo install trunk --version "~0.21" --locked
COPY . .
RUN WBG=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock) \
 && cargo install wasm-bindgen-cli --version "$WBG" \
 && (cd frontend && trunk build --release) \
 && cargo build --release --package oko-api --bin oko

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/oko /usr/local/bin/oko
COPY --from=build /src/frontend/dist /srv/oko/spa
ENV OKO_LISTEN=0.0.0.0:8080 OKO_DATA_DIR=/var/lib/oko OKO_SPA_DIR=/srv/oko/spa
VOLUME /var/lib/oko
EXPOSE 8080
CMD ["oko", "serve"]
