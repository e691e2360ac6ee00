package httpapi

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"

	"github.com/gin-gonic/gin"
)

// The /docs page is Redoc (a maintained OpenAPI renderer) reading
// /api/v1/openapi.yaml: every operation, every schema's fields and the
// examples of the description, with the Markdown of the descriptions
// rendered. The bundle is embedded and served by the binary itself, so the
// page needs no network access.

// redocPath is where the page loads the Redoc bundle from.
const redocPath = "/docs/redoc.standalone.js"

//go:embed redoc/redoc.standalone.js
var redocBundle []byte

// redocETag names the embedded bundle's content, so that a browser keeps
// it and revalidates with If-None-Match (304) instead of downloading 1 MB.
var redocETag = func() string {
	sum := sha256.Sum256(redocBundle)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}()

// docsPage is the whole page: Redoc's custom element and its script, no
// inline script (the CSP below forbids it).
const docsPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sohoi API</title>
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<noscript>This page needs JavaScript. The API description itself is <a href="/api/v1/openapi.yaml">/api/v1/openapi.yaml</a>.</noscript>
<redoc spec-url="/api/v1/openapi.yaml" path-in-middle-panel="true"></redoc>
<script src="` + redocPath + `"></script>
</body>
</html>
`

// docsCSP lets the page run only the embedded bundle from this server.
// Redoc adds its styles as <style> elements (styled-components), hence
// 'unsafe-inline' for styles only; its search runs in a worker made from a
// blob: URL; it fetches the description from this server.
const docsCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (s *server) docsPage(c *gin.Context) error {
	c.Header("Content-Security-Policy", docsCSP)
	c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(docsPage))
	return nil
}

func (s *server) redocBundle(c *gin.Context) error {
	c.Header("ETag", redocETag)
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "text/javascript; charset=utf-8", redocBundle)
	return nil
}
