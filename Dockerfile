# syntax=docker/dockerfile:1
# Build: a static binary (modernc.org/sqlite is pure Go, so no cgo).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/sohoi ./cmd/sohoi \
 && mkdir -p /out/data

# Run: distroless, no shell, non-root; the embedded store lives in /data.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/sohoi /usr/local/bin/sohoi
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV SOHOI_ADDR=:8080 SOHOI_DATA_DIR=/data
EXPOSE 8080
VOLUME ["/data"]
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/sohoi"]
CMD ["serve"]
