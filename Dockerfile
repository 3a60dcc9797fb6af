# syntax=docker/dockerfile:1
# One image for the operator (webhooks + controller) and the registry API:
#   operator:          args: [dist/src/bin/operator.js, ...]
#   registry API:      args: [dist/src/bin/thv-registry-api.js, serve, ...]
# The final stage is distroless: Node 24 and our files, no shell, no package manager.

ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Install scripts stay off: the one package that has one (`node`, the npm-shipped Node binary used on
# developer machines) is not needed inside an image that already has Node 24.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

FROM node:${NODE_VERSION}-bookworm-slim AS prod-deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM gcr.io/distroless/nodejs24-debian12:nonroot
LABEL org.opencontainers.image.title="mcp-registry-operator" \
      org.opencontainers.image.description="MCPRegistry operator: admission and conversion webhooks, controller, and the registry REST API" \
      org.opencontainers.image.source="https://github.com/stacklok/mcp-registry-operator" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="0.1.0"
WORKDIR /app
COPY --from=prod-deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
# The manifests run it as 65532 too; numeric so runAsNonRoot can verify it.
USER 65532:65532
ENV NODE_ENV=production
EXPOSE 9443 8080
# The base image's entrypoint is node; CMD is the default program.
CMD ["dist/src/bin/operator.js"]
