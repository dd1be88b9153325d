# Build the single binary, then run it on a slim base as a non-root user with data in a volume.
FROM oven/bun:1.4 AS build
WORKDIR /src
COPY package.json bun.lock ./
RUN bun install --frozen-lockfile
COPY . .
RUN bun run build

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home /data kurz && mkdir -p /data && chown kurz /data
COPY --from=build /src/dist/kurz /usr/local/bin/kurz
USER kurz
WORKDIR /data
VOLUME /data
ENV KURZ_DB=/data/kurz.sqlite PORT=8080
EXPOSE 8080
# The image has no curl: the binary asks its own /healthz on $PORT.
HEALTHCHECK --interval=30s --timeout=10s --start-period=10s CMD ["/usr/local/bin/kurz", "health"]
ENTRYPOINT ["/usr/local/bin/kurz"]
CMD ["serve"]
