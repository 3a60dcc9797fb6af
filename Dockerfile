# syntax=docker/dockerfile:1
# One image for the operator (webhooks + controller) and the registry API:
#   operator:          args: [dist/src/bin/operator.js, ...]
#   registry API:      args: [dist/src/bin/thv-registry-api.js, serve, ...]
# The final stage is distroless: Node 24 and our files, no shell, no package manager.

ARG NODE_VERSION=24
# The real bases. `npm run image` (scripts/image.sh) builds where no registry is reachable and
# passes locally built stand-ins for these two (same layout: Node in /usr/local/bin, resp.
# /nodejs/bin/node with user 65532); nothing else in this file changes.
ARG BUILD_IMAGE=node:${NODE_VERSION}-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs${NODE_VERSION}-debian12:nonroot

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Install scripts stay off: the one package that has one (`node`, the npm-shipped Node binary used on
# developer machines) is not needed inside an image that already has Node 24.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# `npm run build` is the one build recipe (also the catalog page's assets when the project has
# them). Source maps go: they point at src/*.ts, which the image does not carry.
RUN npm run build && find dist -name '*.map' -delete

FROM ${BUILD_IMAGE} AS prod-deps
WORKDIR /src
COPY package.json package-lock.json ./
# Then drop what never runs: type declarations, source maps, TypeScript sources shipped next to
# the JavaScript, markdown docs (licence files stay), packages' own test and example folders, and
# native prebuilds for other platforms. See docs/performance.md "Image size".
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \
      -o -name '*.map' -o -name '*.ts' -o \( -name '*.md' ! -iname 'licen[cs]e*' \) \) -delete \
 && find node_modules -regextype posix-extended -type d \
      -regex '(.*/)?node_modules/(@[^/]+/)?[^/]+/(test|tests|__tests__|example|examples)' -prune -exec rm -rf {} + \
 && platform=$(node -p 'process.platform + "-" + process.arch') \
 && find node_modules -path '*/prebuilds/*' -maxdepth 4 -type d ! -name "$platform*" -prune -exec rm -rf {} + \
 && find node_modules -depth -type d -empty -delete

FROM ${RUNTIME_IMAGE}
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
