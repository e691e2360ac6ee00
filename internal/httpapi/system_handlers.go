package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/errs"
)

func (s *server) healthz(c *gin.Context) error {
	return reply(c, http.StatusOK, gin.H{"status": "ok"})
}

// readyz answers 503 while the database does not answer.
func (s *server) readyz(c *gin.Context) error {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.Ping(ctx); err != nil {
		// Not ready either way (503), but an operator reading the answer
		// should see a full disk for what it is.
		code, detail := errs.Internal, "the database is not reachable"
		if errs.Is(err, errs.InsufficientStorage) {
			code, detail = errs.InsufficientStorage, "the database cannot store changes: its disk is full"
		}
		s.log.WarnContext(ctx, "not ready", "err", err, "code", code)
		c.Header("Content-Type", "application/problem+json")
		return reply(c, http.StatusServiceUnavailable, problem{
			Type: "https://sohoi.vn/problems/" + string(code), Title: "Service Unavailable",
			Status: http.StatusServiceUnavailable, Detail: detail, Code: code,
		})
	}
	return reply(c, http.StatusOK, gin.H{"status": "ok"})
}

// openapi serves the description; it holds no personal data, so unlike
// the rest of /api/v1 it may be cached, revalidated by its ETag.
func (s *server) openapi(c *gin.Context) error {
	c.Header("ETag", s.openapiETag)
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/yaml", s.OpenAPI)
	return nil
}

func (s *server) jwks(c *gin.Context) error {
	c.Header("Cache-Control", "public, max-age=300")
	return reply(c, http.StatusOK, gin.H{"keys": s.Auth.Tokens().Keys().JWKS()})
}
