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
		s.log.WarnContext(ctx, "database not reachable", "err", err)
		c.Header("Content-Type", "application/problem+json")
		return reply(c, http.StatusServiceUnavailable, problem{
			Type: "https://sohoi.vn/problems/unavailable", Title: "Service Unavailable",
			Status: http.StatusServiceUnavailable, Detail: "the database is not reachable", Code: errs.Internal,
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
