// Package httpapi is the JSON API of API.md over gin: routes, middleware,
// problem+json errors and the OpenAPI description. Handlers stay thin:
// decode, authorise, call the domain, encode.
package httpapi

import (
	"context"
	"log/slog"
	"time"

	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/units"
)

// Deps is everything the API needs, built by internal/app.
type Deps struct {
	Log            *slog.Logger
	Units          *units.Service
	Auth           *access.Auth
	Users          *access.Users
	Members        *members.Service
	Officers       *officers.Service
	Rollups        *rollups.Service
	Authz          *access.Authorizer
	Ping           func(context.Context) error
	CORSOrigins    []string
	TrustedProxies []string
	OpenAPI        []byte
	Metrics        *prometheus.Registry
}

type server struct {
	Deps
	log  *slog.Logger
	docs []byte
}

// New builds the HTTP handler.
func New(d Deps) (*gin.Engine, error) {
	docs, err := RenderDocs(d.OpenAPI)
	if err != nil {
		return nil, err
	}
	s := &server{Deps: d, log: d.Log, docs: docs}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, err
	}
	m := newMetrics(d.Metrics)
	r.Use(s.recoverPanics, s.requestID, m.observe, s.accessLog)
	if len(d.CORSOrigins) > 0 {
		r.Use(cors.New(cors.Config{
			AllowOrigins:  d.CORSOrigins,
			AllowMethods:  []string{"GET", "POST", "PATCH", "DELETE", "OPTIONS"},
			AllowHeaders:  []string{"Authorization", "Content-Type", "If-Match", "X-Request-Id"},
			ExposeHeaders: []string{"ETag", "Location", "Retry-After", "X-Request-Id"},
			MaxAge:        10 * time.Minute,
		}))
	}
	r.NoRoute(s.h(func(c *gin.Context) error { return errs.E(errs.NotFound, "no such path: %s", c.Request.URL.Path) }))
	r.NoMethod(s.h(func(c *gin.Context) error {
		return errs.E(errs.MethodNotAllowed, "method %s is not allowed on %s", c.Request.Method, c.Request.URL.Path)
	}))
	s.routes(r, m)
	return r, nil
}

func (s *server) routes(r *gin.Engine, m *metrics) {
	r.GET("/healthz", s.h(s.healthz))
	r.GET("/readyz", s.h(s.readyz))
	r.GET("/metrics", m.handler())
	r.GET("/docs", s.h(s.docsPage))
	r.GET("/.well-known/jwks.json", s.h(s.jwks))

	v1 := r.Group("/api/v1")
	v1.GET("/openapi.yaml", s.h(s.openapi))
	v1.POST("/auth/login", s.h(s.login))
	v1.POST("/auth/refresh", s.h(s.refresh))
	v1.POST("/auth/logout", s.h(s.logout))

	a := v1.Group("", s.authenticate)
	a.GET("/me", s.h(s.me))

	a.GET("/units/root", s.h(s.getRoot))
	a.POST("/units", s.h(s.createUnit))
	a.GET("/units/:id", s.h(s.getUnit))
	a.PATCH("/units/:id", s.h(s.patchUnit))
	a.GET("/units/:id/children", s.h(s.listChildren))
	a.GET("/units/:id/rollup", s.h(s.rollup))
	a.GET("/units/:id/reports/period", s.h(s.periodReport))

	a.POST("/units/:id/members", s.h(s.createMember))
	a.GET("/units/:id/members", s.h(s.listMembers))
	a.GET("/members/:id", s.h(s.getMember))
	a.PATCH("/members/:id", s.h(s.patchMember))
	a.POST("/members/:id/transfer", s.h(s.transferMember))
	a.POST("/members/:id/leave", s.h(s.leaveMember))
	a.GET("/members/:id/history", s.h(s.memberHistory))

	a.GET("/units/:id/officers", s.h(s.listOfficers))
	a.POST("/units/:id/officers", s.h(s.createOfficer))
	a.GET("/officers/:id", s.h(s.getOfficer))
	a.PATCH("/officers/:id", s.h(s.patchOfficer))
	a.DELETE("/officers/:id", s.h(s.deleteOfficer))

	a.POST("/users", s.h(s.createUser))
	a.GET("/users", s.h(s.listUsers))
	a.GET("/users/:id", s.h(s.getUser))
	a.PATCH("/users/:id", s.h(s.patchUser))
	a.DELETE("/users/:id", s.h(s.deleteUser))
}
