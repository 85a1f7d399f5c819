# syntax=docker/dockerfile:1
#
# thruk-mcp as a container. The default is MCP over stdio, as MCP clients and the Docker MCP
# gateway run it:
#   docker run -i --rm -e THRUK_BASE_URL -e THRUK_API_KEY ghcr.io/thruk-mcp/thruk-mcp
# Streamable HTTP for a team (endpoint /mcp; a token is required, see compose.yml; plain HTTP off
# loopback needs TLS, a trusted proxy or MCP_ALLOW_INSECURE_HTTP, see docs/deploy.md):
#   docker run --rm -p 127.0.0.1:8080:8080 -e THRUK_BASE_URL -e THRUK_API_KEY -e MCP_HTTP_TOKEN \
#     -e MCP_ALLOW_INSECURE_HTTP=true ghcr.io/thruk-mcp/thruk-mcp --listen 8080 --host 0.0.0.0
# Try it without a Thruk: docker run -i --rm ghcr.io/thruk-mcp/thruk-mcp --demo
#
# No HEALTHCHECK here: in the default stdio mode there is no port to probe. compose.yml adds one
# on /healthz for the HTTP service. No secret is ever baked in: keys arrive at run time.

ARG NODE_VERSION=22

# Compile TypeScript with the full (dev) dependency set.
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

# Runtime dependencies only.
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production
# V8 sizes its heap from the host's memory, not from the container's limit: under load it grew
# past 500 MiB without a cap. The cap deploy/k8s.yaml sets (and bench/k8s-memory.ts proves with 64
# clients in a 512 MiB cgroup); override NODE_OPTIONS to change it, with the memory limit.
ENV NODE_OPTIONS=--max-old-space-size=256
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json LICENSE README.md ./
# The official MCP Registry verifies that the OCI image belongs to this server by this label.
LABEL io.modelcontextprotocol.server.name="io.github.thruk-mcp/thruk-mcp" \
      org.opencontainers.image.title="thruk-mcp" \
      org.opencontainers.image.description="MCP server for Thruk (Naemon / Nagios / Icinga / Shinken monitoring) over its REST API" \
      org.opencontainers.image.source="https://github.com/thruk-mcp/thruk-mcp" \
      org.opencontainers.image.licenses="MIT"
# The image's unprivileged user (uid 1000); the app files stay root-owned and read-only to it.
USER node
# Only used with --listen 8080 (HTTP mode).
EXPOSE 8080
ENTRYPOINT ["node", "dist/cli.js"]
