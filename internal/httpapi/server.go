// Package httpapi is the JSON API of API.md over gin: routes, middleware,
// problem+json errors and the OpenAPI description. Handlers stay thin:
// decode, call one service method with the caller, encode; the services
// decide scope and role (access.Caller).
package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit/trail"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/idempotency"
	"github.com/sohoi/sohoi/internal/importjobs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/records"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/units"
)

// Deps is everything the API needs, built by internal/app.
type Deps struct {
	Log      *slog.Logger
	Units    *units.Service
	Auth     *access.Auth
	Users    *access.Users
	Members  *members.Service
	Officers *officers.Service
	Records  *records.Service // issue 20
	Rollups  *rollups.Service
	Trail    *trail.Service
	Imports  *importjobs.Service
	// Idempotency keeps the Idempotency-Key of creates (nil: the header
	// is ignored).
	Idempotency    *idempotency.Keys
	Ping           func(context.Context) error
	CORSOrigins    []string
	TrustedProxies []string
	OpenAPI        []byte
	Metrics        *prometheus.Registry
	// MetricsElsewhere leaves /metrics off this handler: they are served
	// on a listener of their own (SOHOI_METRICS_ADDR).
	MetricsElsewhere bool
}

type server struct {
	Deps
	log         *slog.Logger
	openapiETag string
}

// New builds the HTTP handler.
func New(d Deps) (*gin.Engine, error) {
	sum := sha256.Sum256(d.OpenAPI)
	s := &server{Deps: d, log: d.Log, openapiETag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, err
	}
	// Behind a trusted proxy the client is what X-Forwarded-For says; gin
	// would also believe X-Real-IP, which a proxy that does not set it lets
	// the client choose (and the login limits key on the address).
	r.RemoteIPHeaders = []string{"X-Forwarded-For"}
	m := newMetrics(d.Metrics)
	// Panics are recovered inside the access log and the metrics, so that
	// a 500 from a panic is logged and counted like any other answer.
	r.Use(securityHeaders, noStore, s.requestID, m.observe, s.accessLog, s.recoverPanics)
	// CORS comes before the limits, so that a browser app can read their
	// refusals (a 431 without Access-Control-Allow-Origin is a network
	// error to it).
	if len(d.CORSOrigins) > 0 {
		r.Use(cors.New(cors.Config{
			AllowOrigins: d.CORSOrigins,
			// Called only for an origin that is not allowed: the refusal is
			// answered here as problem+json (cors would abort with a bare
			// 403 after this returns false, which then changes nothing).
			AllowOriginWithContextFunc: func(c *gin.Context, origin string) bool {
				writeError(c, s.log, errs.E(errs.Forbidden, "the origin %q may not call this API", origin))
				return false
			},
			AllowMethods:  []string{"GET", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS"},
			AllowHeaders:  []string{"Authorization", "Content-Type", "If-Match", "If-None-Match", "X-Request-Id", "Idempotency-Key"},
			ExposeHeaders: []string{"ETag", "Location", "Content-Disposition", "Retry-After", "X-Request-Id", "Idempotent-Replayed"},
			MaxAge:        10 * time.Minute,
		}))
	}
	r.Use(s.limitHeaders, bodyDeadline, notModified)
	r.NoRoute(s.h(func(c *gin.Context) error { return errs.E(errs.NotFound, "no such path: %s", c.Request.URL.Path) }))
	r.NoMethod(s.h(func(c *gin.Context) error {
		return errs.E(errs.MethodNotAllowed, "method %s is not allowed on %s", c.Request.Method, c.Request.URL.Path)
	}))
	s.routes(r, m)
	return r, nil
}

// withHead registers every GET route for HEAD too: the same handlers
// answer, and net/http drops the body.
type withHead struct{ gin.IRoutes }

func (g withHead) GET(path string, h ...gin.HandlerFunc) {
	g.IRoutes.GET(path, h...)
	g.IRoutes.HEAD(path, h...)
}

func (s *server) routes(e *gin.Engine, m *metrics) {
	r := withHead{e}
	r.GET("/", redirectToDocs)
	r.GET("/healthz", s.h(s.healthz))
	r.GET("/readyz", s.h(s.readyz))
	if !s.MetricsElsewhere {
		r.GET("/metrics", m.handler())
	}
	r.GET("/docs", s.h(s.docsPage))
	r.GET(redocPath, s.h(s.redocBundle))
	r.GET("/.well-known/jwks.json", s.h(s.jwks))

	g := e.Group("/api/v1")
	v1 := withHead{g}
	v1.GET("/openapi.yaml", s.h(s.openapi))
	g.POST("/auth/login", m.countLogin, s.h(s.login))
	g.POST("/auth/refresh", s.h(s.refresh))
	g.POST("/auth/logout", s.h(s.logout))

	ag := g.Group("", s.authenticate, s.idempotent)
	a := withHead{ag}
	a.GET("/me", s.h(s.me))

	a.GET("/units/root", s.h(s.getRoot))
	a.POST("/units", s.h(s.createUnit))
	a.GET("/units/:id", s.h(s.getUnit))
	a.PATCH("/units/:id", s.h(s.patchUnit))
	a.DELETE("/units/:id", s.h(s.closeUnit))
	a.POST("/units/:id/move", s.h(s.moveUnit))
	a.POST("/units/:id/merge", s.h(s.mergeUnits))
	a.POST("/restructures", s.h(s.applyPlan))
	a.GET("/units/:id/children", s.h(s.listChildren))
	a.GET("/units/:id/rollup", s.h(s.rollup))
	a.GET("/units/:id/reports/period", s.h(s.periodReport))

	a.POST("/units/:id/members", s.h(s.createMember))
	a.GET("/units/:id/members", s.h(s.listMembers))
	a.GET("/units/:id/members/export", s.h(s.exportMembers))
	a.GET("/imports/template.xlsx", s.h(s.importTemplate))
	a.GET("/members/:id", s.h(s.getMember))
	a.PATCH("/members/:id", s.h(s.patchMember))
	a.POST("/members/:id/transfer", s.h(s.transferMember))
	a.POST("/members/:id/leave", s.h(s.leaveMember))
	a.GET("/members/:id/history", s.h(s.memberHistory))

	a.POST("/imports", s.h(s.createImport))
	a.GET("/imports/:id", s.h(s.getImport))
	a.GET("/imports/:id/rows", s.h(s.importRows))
	a.GET("/imports/:id/report", s.h(s.importReport))
	a.POST("/imports/:id/undo", s.h(s.undoImport))

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

	// The audit trail is read only: no route changes or deletes an entry.
	a.GET("/audit", s.h(s.listAudit))
	s.recordRoutes(a)
}

// recordRoutes are issue 20's: learning models and their evidence, the
// fund, scholarships (records_handlers.go).
func (s *server) recordRoutes(a withHead) {
	a.GET("/learning-catalogue", s.h(s.learningCatalogue))
	a.GET("/units/:id/learning-models", s.h(s.listLearningModels))
	a.POST("/units/:id/learning-models", s.h(s.proposeLearningModel))
	a.GET("/learning-models/:id", s.h(s.getLearningModel))
	a.POST("/learning-models/:id/assess", s.h(s.assessLearningModel))
	a.POST("/learning-models/:id/evidence", s.h(s.uploadEvidence))
	a.POST("/learning-models/:id/recognise", s.h(s.decideLearningModel(false)))
	a.POST("/learning-models/:id/refuse", s.h(s.decideLearningModel(true)))
	a.POST("/learning-models/:id/renew", s.h(s.renewLearningModel))
	a.GET("/evidence/:id", s.h(s.downloadEvidence))
	a.GET("/units/:id/fund/entries", s.h(s.listFundEntries))
	a.POST("/units/:id/fund/entries", s.h(s.addFundEntry))
	a.GET("/fund/entries/:id", s.h(s.getFundEntry))
	a.POST("/fund/entries/:id/reverse", s.h(s.reverseFundEntry))
	a.GET("/units/:id/fund/balance", s.h(s.fundBalance))
	a.GET("/units/:id/scholarships", s.h(s.listScholarships))
	a.POST("/units/:id/scholarships", s.h(s.createScholarship))
}
