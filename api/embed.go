// Package api holds the machine-readable public contract of sohoi: the OpenAPI
// description that is served at GET /api/v1/openapi.yaml, rendered as HTML at
// GET /docs, and checked by scripts/check-openapi.sh.
package api

import _ "embed"

// OpenAPI is the OpenAPI 3.1 description of the HTTP API, as YAML.
//
//go:embed openapi.yaml
var OpenAPI []byte
